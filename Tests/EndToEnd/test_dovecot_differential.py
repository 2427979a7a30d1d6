"""Differential test against Dovecot (DESIGN.md: "ENVELOPE and BODYSTRUCTURE identical to
Dovecot's on real-world messages, or differing only where the RFC proves Dovecot wrong").

A private Dovecot 2.3 (`dovecot_peer.py`) and a Tern server get the same messages in the same
order: the whole generated corpus plus hand-made tricky messages (`tricky_messages.py`), and
messages with binary parts sent as literal8 (RFC 3516 §4.4), which both servers store with
those parts re-encoded. Then,
on one pipelined connection per server, both are asked the same questions and the parsed
answers are compared value by value (not the quoting: quoted string or literal is the
server's choice, RFC 9051 §4.3):

- FETCH ENVELOPE, BODYSTRUCTURE, BODY, RFC822.SIZE, INTERNALDATE, BODY[HEADER], BODY[TEXT],
  BODY[HEADER.FIELDS (…)], BODY[HEADER.FIELDS.NOT (Received)] of every message;
- BODY[n] and BODY[n.MIME] of every part the BODYSTRUCTUREs name, BODY[n.HEADER],
  BODY[n.TEXT], BODY[n.HEADER.FIELDS (…)] of message/rfc822 parts, BINARY.SIZE[n] and
  BINARY[n] of leaf parts (RFC 3516), a few sections no BODYSTRUCTURE names, and each
  command's tagged status;
- SEARCH results for a set of criteria (RFC 3501 §6.4.4).

Runs where Dovecot can (root, `dovecot-imapd` installed, a `vmail` user); skipped elsewhere.

Every difference must be fixed in Tern or be listed in ALLOWED_DIFFERENCES with the RFC text
that shows who is right (and in the README, "Differences from Dovecot"). An allow-list entry
that no longer differs fails the test too, so that the list stays exact."""

import contextlib
import datetime
import re
import threading
import time

import pytest

from conftest import TernServer
from dovecot_peer import DovecotPeer, unavailable_reason
from imap_wire import Connection, ProtocolError, Response, tokenize
from fetch_comparison import (MONTHS, Difference, compare, fetch_items, is_ok, item_key, part_requests, plain,
                              section_parts, show, status_of, values_equal)
import binary_messages
import tricky_messages

USER, PASSWORD = "alice", "secret-a"
FIELDS = "(From To Subject Date Message-ID Content-Type)"
NOT_FIELDS = "(Received)"
MESSAGE_ITEMS = ["ENVELOPE", "BODYSTRUCTURE", "BODY", "RFC822.SIZE", "INTERNALDATE", "BODY.PEEK[HEADER]",
                 "BODY.PEEK[TEXT]", f"BODY.PEEK[HEADER.FIELDS {FIELDS}]", f"BODY.PEEK[HEADER.FIELDS.NOT {NOT_FIELDS}]"]

# Every known difference: (message label, item key) -> who is right, with the RFC's words.
# Item keys are upper-case response item names (`BODY[1.HEADER.FIELDS (FROM TO ...)]`) or
# `STATUS BODY` / `STATUS BINARY` for the tagged status of a message's part FETCH. The README
# section "Differences from Dovecot" describes each.
EMBEDDED_HEADER_ONLY = (
    "Tern is right (deliberate, MailMessage.docc). The embedded message has no empty line and the boundary "
    "line ends it (RFC 2046 §5.1.1: 'The CRLF preceding the boundary delimiter line is conceptually attached "
    "to the boundary'); Dovecot reads on past the boundary and returns the next part's Content-Type as a field "
    "of this header.")
EMPTY_TRANSFER_ENCODING = (
    "Tern is consistent with both servers' BODYSTRUCTURE, which name '7bit' for an empty "
    "Content-Transfer-Encoding field (RFC 2045 §6.1: '\"Content-Transfer-Encoding: 7BIT\" is assumed if the "
    "Content-Transfer-Encoding header field is not present'); Dovecot still refuses BINARY with [UNKNOWN-CTE], "
    "which RFC 3516 §4.3 reserves for when 'the server does not know how to decode the section's CTE'.")
BASE64_OUTSIDE_ALPHABET = (
    "Tern is right. RFC 2045 §6.8: 'Any characters outside of the base64 alphabet are to be ignored in "
    "base64-encoded data.' Dovecot fails BINARY with NO [PARSE].")
NO_BODY_NO_BLANK_LINE = (
    "Tern is right. RFC 3501 §6.4.5 (and RFC 9051): 'the blank line is included in all header fetches, except "
    "in the case of a message which has no body and no blank line.' This message is a header only; Dovecot adds "
    "a blank line to HEADER.FIELDS anyway (it leaves it out only when the fields come from its cache and the "
    "last one selected is cut short by the end of the message).")
MESSAGE_GLOBAL = (
    "Tern is right for IMAP4rev2 and RFC 6532 (deliberate, MailMessage.docc). RFC 9051 §6.4.5: HEADER and TEXT "
    "'can be prefixed by one or more numeric part specifiers, provided that the numeric part specifier refers "
    "to a part of type MESSAGE/RFC822 or MESSAGE/GLOBAL'. Tern reads a message/global part as an embedded "
    "message (2.HEADER, 2.TEXT, 2.1 is its body); Dovecot 2.3 treats it as a leaf (2.HEADER and 2.TEXT empty, "
    "2.1 the whole part). Both show it as a leaf in an IMAP4rev1 BODYSTRUCTURE.")
QUOTED_PRINTABLE_INVALID_ESCAPE = (
    "Tern is right. RFC 2045 §6.7 note (2): an '=' not followed by two hexadecimal digits 'is illegal ... A "
    "reasonable approach by a robust implementation might be to include the \"=\" character and the following "
    "character in the decoded data without any transformation'. Dovecot fails BINARY with NO [PARSE].")

NUL_NOT_LABELLED_BINARY = (
    "Tern is right. The parts hold NUL but are labelled 8bit or not at all; Dovecot re-encodes only parts "
    "labelled binary, stores these as they came and answers BODY with 0x80 in place of NUL. RFC 3516 §6: "
    "'the results of a FETCH BODY MUST return the message body content in the format described by the "
    "corresponding FETCH BODYSTRUCTURE response', and §4.4: a change of CTE 'MUST NOT result in a loss of data'; "
    "NUL cannot be sent in a literal (RFC 9051 §4.3) and is not 8bit data (RFC 2045 §2.8). Tern stores them as "
    "base64, so BODY returns them exactly, and BINARY[n] is the same on both servers.")
BINARY_OF_CONVERTED = (
    "Both are allowed. Both servers store the message with its binary parts re-encoded as base64 (RFC 3516 "
    "§4.4: 'The server MAY modify the CTE of the appended data'; BODY[], BODYSTRUCTURE and RFC822.SIZE agree). "
    "RFC 3516 §4.2: BINARY returns the section 'after performing CTE-related decoding'; a whole message, or a "
    "message/rfc822 part, has no encoding of its own to undo (RFC 2045 §6.4, RFC 2046 §5.2.1), so Tern returns "
    "it as stored, and each part decodes to its original bytes with BINARY[part]. Dovecot decodes every base64 "
    "and quoted-printable part inside the section and relabels it 'binary', for any message (also one APPENDed "
    "as a plain literal), which for these gives back what the client sent.")

ALLOWED_DIFFERENCES = {
    ("tricky:embedded-header-only", f"BODY[1.HEADER.FIELDS {FIELDS.upper()}]"): EMBEDDED_HEADER_ONLY,
    ("tricky:header-only-crlf", f"BODY[HEADER.FIELDS {FIELDS.upper()}]"): NO_BODY_NO_BLANK_LINE,
    **{("tricky:message-global", key): MESSAGE_GLOBAL for key in ("BODY[2.HEADER]", "BODY[2.TEXT]", "BODY[2.1]")},
    ("tricky:empty-headers", "STATUS BINARY"): EMPTY_TRANSFER_ENCODING,
    ("tricky:base64-outside-alphabet", "STATUS BINARY"): BASE64_OUTSIDE_ALPHABET,
    ("tricky:quoted-printable-invalid-escape", "STATUS BINARY"): QUOTED_PRINTABLE_INVALID_ESCAPE,
    **{("binary:nul-in-8bit-and-unlabelled", key): NUL_NOT_LABELLED_BINARY
       for key in ("BODYSTRUCTURE", "BODY", "RFC822.SIZE", "BODY[TEXT]", "BODY[1]", "BODY[1.MIME]", "BODY[2]",
                   "BODY[2.MIME]")},
    **{(f"binary:{name}", key): BINARY_OF_CONVERTED
       for name, _ in binary_messages.BINARY_MESSAGES for key in ("BINARY[]", "BINARY.SIZE[]")},
    **{("binary:binary-in-rfc822", key): BINARY_OF_CONVERTED for key in ("BINARY[2]", "BINARY.SIZE[2]")},
}

# SEARCH: (search name, message label) -> why Tern's answer differs.
SENT_DATE_MISSING = (
    "RFC 3501 §6.4.4: 'SENTBEFORE <date>: Messages whose [RFC-2822] Date: header (disregarding time and "
    "timezone) is earlier than the specified date' - these messages have no usable Date: field. Dovecot takes "
    "their sent date as 0 (1970: every SENTBEFORE, no SENTSINCE); Tern uses RFC 5256 §2.2: 'If the sent date "
    "cannot be determined (a Date: header is missing or cannot be parsed), the INTERNALDATE for that message is "
    "used as the sent date.'")
ALLOWED_SEARCH_DIFFERENCES = {
    (search, f"tricky:{name}"): SENT_DATE_MISSING
    for search in ("sentsince", "sentbefore") for name in ("empty-headers", "body-only", "odd-header-lines")
}

# Sections no BODYSTRUCTURE names, asked of some tricky messages: a part that does not exist,
# and the inside of a message/global part (IMAP4rev1 BODYSTRUCTURE shows it as a leaf); and
# BINARY of the whole message (and of a message/rfc822 part) for the literal8 ones.
EXTRA_SECTIONS = {
    "tricky:message-global": ["BODY.PEEK[2.HEADER]", "BODY.PEEK[2.TEXT]", "BODY.PEEK[2.1]", "BODY.PEEK[3]"],
    "tricky:nested-rfc822": ["BODY.PEEK[9]", "BODY.PEEK[1.1]", "BODY.PEEK[3.1.1.MIME]", "BODY.PEEK[2.3]"],
    "tricky:rfc822-base64": ["BODY.PEEK[1.1]"],
    "tricky:mailman-digest": ["BODY.PEEK[3.1]", "BODY.PEEK[6]"],
    "tricky:mailman-multipart-digest": ["BODY.PEEK[2.1.1]", "BODY.PEEK[3.1.2]", "BODY.PEEK[4.1.MIME]"],
    "tricky:mime-digest": ["BODY.PEEK[2.2.1.MIME]", "BODY.PEEK[2.4.1]", "BODY.PEEK[2.5]"],
    **{f"binary:{name}": ["BINARY.PEEK[]", "BINARY.SIZE[]"] for name, _ in binary_messages.BINARY_MESSAGES},
    "binary:binary-in-rfc822": ["BINARY.PEEK[]", "BINARY.SIZE[]", "BINARY.PEEK[2]", "BINARY.SIZE[2]"],
}



# -- what is appended ------------------------------------------------------------------------

def internal_date(index):
    """A deterministic INTERNALDATE at noon UTC, spread over about a year (so that SINCE,
    BEFORE and ON select different sets whatever the servers' time zones)."""
    day = datetime.date(2023, 6, 1) + datetime.timedelta(days=index * 5 // 8)
    return f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year} 12:{index % 60:02d}:00 +0000"


def flags_for(index):
    flags = []
    for every, flag in ((3, "\\Seen"), (5, "\\Flagged"), (7, "\\Answered"), (11, "\\Draft"), (13, "\\Deleted"),
                        (4, "$Forwarded"), (9, "Project")):
        if index % every == 0:
            flags.append(flag)
    return flags


def append_command(index, message, literal8=False):
    marker = b"~{" if literal8 else b"{"
    return (f"APPEND INBOX ({' '.join(flags_for(index))}) \"{internal_date(index)}\" ".encode()
            + marker + str(len(message)).encode() + b"+}\r\n" + message)


# -- the two servers -------------------------------------------------------------------------

def in_parallel(dovecot_call, tern_call):
    """Runs both calls at once (each server works while the other's answer is parsed)."""
    results, errors = {}, {}

    def run(name, call):
        try:
            results[name] = call()
        except BaseException as error:  # re-raised below, in the test's thread
            errors[name] = error

    threads = [threading.Thread(target=run, args=("dovecot", dovecot_call)),
               threading.Thread(target=run, args=("tern", tern_call))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, error in errors.items():
        raise AssertionError(f"{name}: {error!r}") from error
    return results["dovecot"], results["tern"]


class Peers:
    def __init__(self, dovecot, tern, labels, dovecot_server, tern_server):
        self.dovecot, self.tern, self.labels = dovecot, tern, labels
        self.dovecot_server, self.tern_server = dovecot_server, tern_server

    def both(self, commands):
        commands = [c if isinstance(c, bytes) else c.encode() for c in commands]
        try:
            return in_parallel(lambda: self.dovecot.pipeline(commands), lambda: self.tern.pipeline(commands))
        except AssertionError as error:
            log = "\n".join(self.dovecot_server.log().splitlines()[-15:])
            raise AssertionError(f"{error}\nDovecot's log ends:\n{log}") from error


def login(connection):
    _, tagged = connection.command(f"LOGIN {USER} {PASSWORD}")
    assert is_ok(tagged), tagged.raw
    untagged, tagged = connection.command("CAPABILITY")
    return {str(word).upper() for response in untagged for word in response.values[2:]}


@contextlib.contextmanager
def running_peers(root, messages):
    """Dovecot and Tern, each logged in on one connection with `messages` ((label, bytes) pairs;
    labels starting with "binary:" go as literal8) appended to INBOX in the same order and
    INBOX selected; everything is stopped afterwards."""
    dovecot_server = DovecotPeer(users=[(USER, PASSWORD)])
    tern_server = TernServer(root / "tern-data")
    connections = []
    try:
        dovecot_server.start()
        tern_server.add_user(USER, PASSWORD)
        tern_server.start()
        dovecot = Connection("127.0.0.1", dovecot_server.port)
        connections.append(dovecot)
        tern = Connection("127.0.0.1", tern_server.port)
        connections.append(tern)
        in_parallel(lambda: login(dovecot), lambda: login(tern))
        commands = [append_command(index, data, literal8=label.startswith("binary:"))
                    for index, (label, data) in enumerate(messages)]
        peers = Peers(dovecot, tern, [name for name, _ in messages], dovecot_server, tern_server)
        for side, results in zip(("dovecot", "tern"), peers.both(commands)):
            failed = [(messages[i][0], r[1].raw) for i, r in enumerate(results) if not is_ok(r[1])]
            assert not failed, f"{side} refused APPENDs: {failed[:5]}"
        selected = peers.both(["SELECT INBOX"])
        for side, [(untagged, tagged)] in zip(("dovecot", "tern"), selected):
            assert is_ok(tagged), f"{side}: {tagged.raw}"
            exists = [int(m.group(1)) for r in untagged for m in [re.match(rb"\* (\d+) EXISTS$", r.raw)] if m]
            assert exists == [len(messages)], f"{side}: EXISTS {exists}, appended {len(messages)}"
        yield peers
    finally:
        for connection in connections:
            connection.close()
        tern_server.stop()
        dovecot_server.cleanup()


@pytest.fixture(scope="module")
def peers(tmp_path_factory, large_corpus):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    messages = [(name, data) for name, data in large_corpus]
    messages += [(f"tricky:{name}", data) for name, data in tricky_messages.MESSAGES]
    messages += [(f"binary:{name}", data) for name, data in binary_messages.BINARY_MESSAGES]
    with running_peers(tmp_path_factory.mktemp("differential"), messages) as peers:
        yield peers


@pytest.fixture(scope="module")
def fetched(peers):
    """Every FETCH comparison; returns the differences found (allow-listed ones included)."""
    started = time.monotonic()
    differences = []
    command = f"FETCH 1:* ({' '.join(MESSAGE_ITEMS)})"
    [(d_untagged, d_tagged)], [(t_untagged, t_tagged)] = peers.both([command])
    d_items, t_items = fetch_items(d_untagged), fetch_items(t_untagged)
    if status_of(d_tagged) != status_of(t_tagged):
        differences.append(Difference("*", "1:*", "STATUS FETCH", status_of(d_tagged), status_of(t_tagged)))
    keys = [item_key(item) for item in MESSAGE_ITEMS]
    commands, owners = [], []
    for sequence, label in enumerate(peers.labels, start=1):
        dovecot, tern = d_items.get(sequence, {}), t_items.get(sequence, {})
        compare(label, sequence, dovecot, tern, differences, keys)
        parts = section_parts(dovecot.get("BODYSTRUCTURE"))
        for part in section_parts(tern.get("BODYSTRUCTURE")):
            if part not in parts:
                parts.append(part)
        body, binary = part_requests(parts, FIELDS)
        body += EXTRA_SECTIONS.get(label, [])
        for items, kind in ((body, "BODY"), (binary, "BINARY")):
            if items:
                commands.append(f"FETCH {sequence} ({' '.join(items)})")
                owners.append((sequence, label, kind, [item_key(i) for i in items]))
    d_results, t_results = peers.both(commands)
    # Dovecot runs pipelined FETCH commands concurrently, so one command's untagged FETCH
    # responses may come before another's tagged OK (RFC 3501 §5.5 allows it): gather them all.
    d_parts = fetch_items([r for untagged, _ in d_results for r in untagged])
    t_parts = fetch_items([r for untagged, _ in t_results for r in untagged])
    repaired = repair_dovecot_binary_sizes(d_parts)
    requested = 0
    for (sequence, label, kind, item_keys), d_result, t_result in zip(owners, d_results, t_results):
        requested += len(item_keys)
        d_status, t_status = status_of(d_result[1]), status_of(t_result[1])
        if d_status != t_status:
            differences.append(Difference(label, sequence, f"STATUS {kind}", d_status, t_status))
            continue
        if not is_ok(d_result[1]):
            continue
        compare(label, sequence, d_parts.get(sequence, {}), t_parts.get(sequence, {}), differences, item_keys)
    for sequence, items in t_parts.items():
        for key, size in items.items():
            data = items.get(key.replace("BINARY.SIZE[", "BINARY["))
            if key.startswith("BINARY.SIZE[") and isinstance(data, bytes) and size != len(data):
                differences.append(Difference(peers.labels[sequence - 1], sequence, key + " = length of BINARY",
                                              len(data), size))
    print(f"\ncompared {len(peers.labels)} messages, {len(keys) * len(peers.labels)} message items and "
          f"{requested} part items in {time.monotonic() - started:.1f} s; Dovecot's BINARY.SIZE was not the "
          f"length of its own BINARY for {repaired} parts")
    return differences


def repair_dovecot_binary_sizes(parts):
    """Dovecot 2.3.19 answers BINARY.SIZE[n] of a part of a multipart message with a number
    that is not the size of its own BINARY[n] answer (sometimes a negative number written as a
    64-bit unsigned one: 18446744073709546876), while BINARY[n] itself is right. RFC 3516 §4.2:
    "BINARY.SIZE … The value returned MUST match the size of the <nstring> or <literal8> that
    will be returned by the corresponding FETCH BINARY request." Where Dovecot contradicts
    itself, the reference is the length of its BINARY answer. Returns how many were repaired."""
    repaired = 0
    for items in parts.values():
        for key in [k for k in items if k.startswith("BINARY.SIZE[")]:
            data = items.get(key.replace("BINARY.SIZE[", "BINARY["))
            if isinstance(data, bytes) and items[key] != len(data):
                items[key] = len(data)
                repaired += 1
    return repaired


def unexpected(differences, predicate):
    found = [d for d in differences if predicate(d.key) and d.ident not in ALLOWED_DIFFERENCES]
    if not found:
        return ""
    lines = [f"{len(found)} differences from Dovecot (not allow-listed):"]
    lines += [str(d) for d in found[:25]]
    if len(found) > 25:
        lines.append(f"… and {len(found) - 25} more")
    return "\n".join(lines)


def top_level_section(key):
    return key.startswith("BODY[") and not key[5:6].isdigit()


def part_section(key):
    return key.startswith("BODY[") and key[5:6].isdigit()


def test_envelope_matches_dovecot(fetched):
    """RFC 3501 §7.4.2 / RFC 9051 §7.5.2 ENVELOPE."""
    problem = unexpected(fetched, lambda key: key == "ENVELOPE")
    assert not problem, problem


def test_bodystructure_matches_dovecot(fetched):
    """RFC 3501 §7.4.2 BODYSTRUCTURE (with extension data) and BODY (without)."""
    problem = unexpected(fetched, lambda key: key in ("BODYSTRUCTURE", "BODY"))
    assert not problem, problem


def test_rfc822_size_and_internaldate_match_dovecot(fetched):
    """RFC 3501 §6.4.5 RFC822.SIZE; INTERNALDATE as given in APPEND (§6.3.11)."""
    problem = unexpected(fetched, lambda key: key in ("RFC822.SIZE", "INTERNALDATE"))
    assert not problem, problem


def test_header_and_text_sections_match_dovecot(fetched):
    """RFC 3501 §6.4.5 BODY[HEADER], BODY[TEXT], BODY[HEADER.FIELDS (…)], BODY[HEADER.FIELDS.NOT (…)]."""
    problem = unexpected(fetched, top_level_section)
    assert not problem, problem


def test_part_sections_match_dovecot(fetched):
    """RFC 3501 §6.4.5 BODY[n], BODY[n.MIME], BODY[n.HEADER], BODY[n.TEXT] of every part."""
    problem = unexpected(fetched, lambda key: part_section(key) or key == "STATUS BODY")
    assert not problem, problem


def test_binary_matches_dovecot(fetched):
    """RFC 3516 §4.2 BINARY[n] and BINARY.SIZE[n] of every leaf part, and [UNKNOWN-CTE]."""
    problem = unexpected(fetched, lambda key: key.startswith("BINARY") or key == "STATUS BINARY")
    assert not problem, problem


def test_every_item_answered(fetched):
    """Each FETCH got the same tagged status, and every item asked for was answered."""
    problem = unexpected(fetched, lambda key: key == "STATUS FETCH" or key.endswith("(answered by neither)"))
    assert not problem, problem


def test_allow_list_is_exact(peers, fetched):
    """Each allow-listed difference still occurs: a fixed one must leave the list."""
    seen = {d.ident for d in fetched}
    stale = [entry for entry in ALLOWED_DIFFERENCES if entry not in seen and entry[0] in peers.labels]
    assert not stale, f"allow-listed but no longer different: {stale}"


# -- SEARCH ----------------------------------------------------------------------------------

def utf8(text):
    """A non-synchronizing literal (RFC 7888) for a UTF-8 search string."""
    data = text.encode("utf-8")
    return f"{{{len(data)}+}}\r\n".encode() + data


SEARCHES = [
    ("all", b"ALL"),
    ("from-domain", b"FROM example.org"),
    ("from-name", b"FROM \"Grace\""),
    ("to", b"TO margaret"),
    ("cc", b"CC zach"),
    ("bcc", b"BCC localonly"),
    ("subject-ascii", b"SUBJECT \"release candidate\""),
    ("subject-case", b"SUBJECT HERMES"),
    ("subject-japanese", b"CHARSET UTF-8 SUBJECT " + utf8("会議")),
    ("subject-accent-folded", b"CHARSET UTF-8 SUBJECT " + utf8("CAFÉ")),
    ("subject-greek", b"CHARSET UTF-8 SUBJECT " + utf8("σχετικά")),
    ("from-cyrillic", b"CHARSET UTF-8 FROM " + utf8("Дмитрий")),
    ("body-word", b"BODY quarterly"),
    ("body-phrase", b"BODY \"bodystructure schedule\""),
    ("body-utf8", b"CHARSET UTF-8 BODY " + utf8("smørrebrød")),
    ("body-utf8-case", b"CHARSET UTF-8 BODY " + utf8("ПРИВЕТ")),
    ("body-cjk", b"CHARSET UTF-8 BODY " + utf8("日本語")),
    ("body-in-base64-attachment", b"BODY \"amount,date\""),
    ("body-8bit-part", b"CHARSET UTF-8 BODY " + utf8("Grüße")),
    ("subject-8bit-header", b"CHARSET UTF-8 SUBJECT " + utf8("grüße")),
    ("from-8bit-header", b"CHARSET UTF-8 FROM " + utf8("Müller")),
    ("text-word", b"TEXT hermes"),
    ("text-utf8", b"CHARSET UTF-8 TEXT " + utf8("Köln")),
    ("header-message-id", b"HEADER Message-ID lists.example.org"),
    ("header-exists", b"HEADER In-Reply-To \"\""),
    ("header-x-mailer", b"HEADER X-Mailer Thunderbird"),
    ("header-utf8", b"CHARSET UTF-8 HEADER Subject " + utf8("会議")),
    ("since", b"SINCE 1-Feb-2024"),
    ("before", b"BEFORE 15-Aug-2023"),
    ("on", b"ON 10-Oct-2023"),
    ("sentsince", b"SENTSINCE 3-Jan-2024"),
    ("sentbefore", b"SENTBEFORE 2-Jan-2024"),
    ("senton", b"SENTON 1-Jan-2024"),
    ("larger", b"LARGER 50000"),
    ("smaller", b"SMALLER 3000"),
    ("seen", b"SEEN"),
    ("unseen-flagged", b"UNSEEN FLAGGED"),
    ("answered-draft", b"OR ANSWERED DRAFT"),
    ("deleted", b"DELETED"),
    ("keyword", b"KEYWORD $Forwarded"),
    ("unkeyword", b"UNKEYWORD Project"),
    ("not-from", b"NOT FROM example.com"),
    ("or-nested", b"OR (SUBJECT hermes SEEN) (NOT SMALLER 10000 FLAGGED)"),
    ("not-or", b"NOT OR TO judy CC barbara"),
    ("sequence-and-uid", b"2:40 UID 10:30,100:*"),
    ("charset-utf8-ascii", b"CHARSET UTF-8 TEXT invoice"),
    # Addresses split by comments and spaces (RFC 9051 §6.4.4: "the envelope structure's FROM field").
    ("from-commented-address", b"FROM user-from@domain.org"),
    ("to-commented-address", b"TO first.last@example.com"),
    # Digests: text inside Mailman's __--__-- parts, and inside the message/rfc822 parts a
    # multipart/digest gives parts without Content-Type (RFC 2046 §5.1.5), transfer-decoded.
    ("body-mailman-digest", b"BODY htdig"),
    ("body-digest-message", b"BODY durchsuchbar"),
    ("body-digest-message-quoted-printable", b"CHARSET UTF-8 BODY " + utf8("schön gegliedert")),
    ("body-digest-message-8bit", b"CHARSET UTF-8 BODY " + utf8("grössere")),
    ("text-digest-message-header", b"CHARSET UTF-8 TEXT " + utf8("Kai Müller")),
    ("body-rfc1153-digest", b"BODY \"Braces, always\""),
]


@pytest.mark.parametrize("name,criteria", SEARCHES, ids=[name for name, _ in SEARCHES])
def test_search_matches_dovecot(peers, name, criteria):
    """RFC 3501 §6.4.4 / RFC 9051 §6.4.4: the same messages for the same criteria."""
    [(d_untagged, d_tagged)], [(t_untagged, t_tagged)] = peers.both([b"SEARCH " + criteria])

    def numbers(untagged):
        found = []
        for response in untagged:
            if len(response.values) >= 2 and str(response.values[1]).upper() == "SEARCH":
                found += response.values[2:]
        return sorted(found)

    assert is_ok(d_tagged), d_tagged.raw
    assert is_ok(t_tagged), f"tern: {t_tagged.raw!r}"
    d, t = numbers(d_untagged), numbers(t_untagged)
    assert d, "the criteria select no message: choose ones that test something"
    assert d != list(range(1, len(peers.labels) + 1)) or name == "all", "the criteria select every message"
    differing = {peers.labels[n - 1] for n in set(d) ^ set(t)}
    allowed = {label for (search, label) in ALLOWED_SEARCH_DIFFERENCES if search == name}
    only_dovecot = [peers.labels[n - 1] for n in sorted(set(d) - set(t)) if peers.labels[n - 1] not in allowed]
    only_tern = [peers.labels[n - 1] for n in sorted(set(t) - set(d)) if peers.labels[n - 1] not in allowed]
    assert not only_dovecot and not only_tern, f"only Dovecot: {only_dovecot[:10]}; only Tern: {only_tern[:10]}"
    assert allowed <= differing, f"allow-listed but no longer different: {sorted(allowed - differing)}"


# -- the response reader itself --------------------------------------------------------------

def test_tokenizer_reads_atoms_strings_literals_and_lists():
    data = (b'* 3 FETCH (BODY[HEADER.FIELDS (FROM TO)] {5}\r\nab\r\nc ENVELOPE (NIL "a \\"q\\" \\\\" '
            b'((NIL NIL "x" "y"))) BINARY[1]<0> ~{3}\r\n\x00\x01\x02 RFC822.SIZE 42)')
    values = tokenize(data)
    assert values[:3] == ["*", 3, "FETCH"]
    items = values[3]
    assert items[0] == "BODY[HEADER.FIELDS (FROM TO)]" and items[1] == b"ab\r\nc"
    assert items[2] == "ENVELOPE" and items[3] == [None, b'a "q" \\', [[None, None, b"x", b"y"]]]
    assert items[4] == "BINARY[1]<0>" and items[5] == b"\x00\x01\x02"
    assert items[6:] == ["RFC822.SIZE", 42]
    assert values_equal(tokenize(b'("abc")'), tokenize(b"({3}\r\nabc)"))
    assert not values_equal(tokenize(b"(NIL)"), tokenize(b'("NIL")'))
    assert tokenize(b"T1 NO [UNKNOWN-CTE] failed")[2] == "[UNKNOWN-CTE]"
    assert status_of(Response("T1", b"T1 NO [UNKNOWN-CTE] can't \"decode\"")) == "NO [UNKNOWN-CTE]"
    assert status_of(Response("T1", b"T1 OK [READ-WRITE] done")) == "OK [READ-WRITE]"
    with pytest.raises(ProtocolError):
        tokenize(b"(unclosed")


def test_section_parts_follow_rfc3501_numbering():
    text = [b"text", b"plain", None, None, None, b"7bit", 1, 1]
    inner = [[*text], [*text], b"alternative"]
    message = [b"message", b"rfc822", None, None, None, b"7bit", 10, [None] * 10, inner, 5]
    body = [[*text], message, b"mixed"]
    assert section_parts(body) == [("1", "leaf"), ("2", "message"), ("2.1", "leaf"), ("2.2", "leaf")]
    assert section_parts([*text]) == [("1", "leaf")]
    single_message = [b"message", b"rfc822", None, None, None, b"7bit", 10, [None] * 10, [*text], 5]
    assert section_parts(single_message) == [("1", "message"), ("1.1", "leaf")]
