"""The benchmark's messages: the shared test corpus, generated as a Maildir (CRLF line endings)
and read into memory once, so that reading files never slows the client down."""

import email.utils
import subprocess
import sys
import time
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "make_corpus.py"


def load(cache_dir, count):
    """The first `count` messages of the corpus, generated into `cache_dir/N` unless already
    there (a `complete` marker is written last, so an interrupted generation is redone)."""
    directory = Path(cache_dir) / f"corpus-{count}"
    marker = directory / "complete"
    if not marker.exists():
        if not GENERATOR.exists():
            raise FileNotFoundError(f"corpus generator not found at {GENERATOR}")
        print(f"Generating {count:,} corpus messages in {directory} ...", flush=True)
        subprocess.run([sys.executable, str(GENERATOR), "--count", str(count), "--maildir", str(directory)],
                       check=True, stdout=subprocess.DEVNULL)
        marker.write_text(f"{count}\n")
    names = sorted((directory / "cur").iterdir())
    if len(names) < count:
        raise RuntimeError(f"{directory} holds {len(names)} messages, {count} expected")
    return [path.read_bytes() for path in names[:count]]


MONTHS = b"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def sent_time(message):
    """The message's Date: field as (seconds since the epoch, offset in seconds east of UTC),
    or None when it has none that parses."""
    end = message.find(b"\r\n\r\n")
    header = message[:end if end >= 0 else len(message)]
    for line in header.split(b"\r\n"):
        if line[:5].lower() == b"date:":
            parsed = email.utils.parsedate_tz(line[5:].strip().decode("ascii", "replace"))
            if parsed is None:
                return None
            offset = parsed[9] or 0
            return email.utils.mktime_tz(parsed), offset
    return None


def internal_date(message):
    """An IMAP date-time (RFC 3501 `date-time`, quoted) equal to the message's Date: field, so
    that every server under test gets the same INTERNALDATE; None if the message has no date."""
    sent = sent_time(message)
    if sent is None:
        return None
    seconds, offset = sent
    local = time.gmtime(seconds + offset)
    sign = b"+" if offset >= 0 else b"-"
    minutes = abs(offset) // 60
    return b'"%02d-%s-%04d %02d:%02d:%02d %s%02d%02d"' % (
        local.tm_mday, MONTHS[local.tm_mon - 1], local.tm_year, local.tm_hour, local.tm_min, local.tm_sec,
        sign, minutes // 60, minutes % 60)


def copies(messages, count):
    """`count` messages made from `messages` over and over: the n-th round (from 0) adds an
    `X-Bench-Copy: n` header field in front of each, so that no two are byte for byte the same
    (a store that shares identical bodies gains nothing). A generator: 100,000 messages are not
    held in memory at once."""
    for index in range(count):
        round_, position = divmod(index, len(messages))
        message = messages[position]
        yield message if round_ == 0 else b"X-Bench-Copy: %d\r\n" % round_ + message
