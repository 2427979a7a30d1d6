#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into Fuzz/seeds/TARGET/, one input per file,
named by its SHA-1 (so rerunning it is harmless). Sources:

- FuzzCommandParser: the first string argument of every fixture (`.init("...", ...)`) in
  Tests/IMAPSyntaxTests/*.swift, plus a few lines written here (APPEND prefixes, SASL data).
- FuzzFramer: the transcripts of Tests/IMAPSyntaxTests/FramerTests.swift (every string literal
  with a line end), pipelines of the command fixtures, and APPEND sessions written here, each
  behind a header (config, decision count, chunk count, decisions, chunk sizes: see
  FuzzSupport/FuzzInput.swift), with default limits and with small ones.
- FuzzSieveParser: the Sieve scripts of Tests/SieveTests/*.swift (their multi-line string
  literals, many of them the examples of RFC 5228 and its extensions, and the one-line literals
  that look like scripts).
- FuzzMessageParser: messages of the shared corpus generator and the hand-made tricky
  messages of Tests/EndToEnd/tricky_messages.py, plus header values and stored-structure-like
  blobs.

Usage: python3 Fuzz/make_seeds.py [--count N] (N corpus messages, default 200)."""

import argparse
import glob
import hashlib
import os
import re
import subprocess
import sys
import tempfile

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
SHARED_CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "make_corpus.py")
MAX_MESSAGE = 64 * 1024  # larger corpus messages only slow the fuzzer down

# A Swift string literal: "..." with escapes, or #"..."# raw.
STRING = r'(#"(?:.*?)"#|"(?:[^"\\\n]|\\.)*")'


def swift_string(literal):
    """The UTF-8 bytes of a one-line Swift string literal."""
    if literal.startswith('#'):
        return literal[2:-2].encode("utf-8")
    body, out, i = literal[1:-1], bytearray(), 0
    simple = {"n": b"\n", "r": b"\r", "t": b"\t", "0": b"\0", "\\": b"\\", '"': b'"', "'": b"'"}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
        elif body[i + 1] in simple:
            out += simple[body[i + 1]]
            i += 2
        elif body[i + 1] == "u":
            end = body.index("}", i)
            out += chr(int(body[i + 3:end], 16)).encode("utf-8")
            i = end + 1
        else:  # \( interpolation and the like: keep as written
            out += c.encode("utf-8")
            i += 1
    return bytes(out)


def fixture_lines():
    lines = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests", "IMAPSyntaxTests", "*.swift"))):
        text = open(path, encoding="utf-8").read()
        for match in re.finditer(r'(?:\.init|Fixture|\bf)\(\s*' + STRING, text):
            lines.append(swift_string(match.group(1)))
    return lines


def framer_transcripts():
    text = open(os.path.join(ROOT, "Tests", "IMAPSyntaxTests", "FramerTests.swift"), encoding="utf-8").read()
    return [s for s in (swift_string(m.group(1)) for m in re.finditer(STRING, text)) if b"\n" in s]


EXTRA_LINES = [
    b"a APPEND INBOX ", b"a APPEND INBOX (\\Seen) \"17-Jul-1996 02:44:25 -0700\" ",
    b" (\\Draft) ", b" ", b"*", b"", b"=", b"AHVzZXIAcGFzcw==", b"dGVzdA==", b"YQ==", b"YWI=",
    b"a AUTHENTICATE PLAIN", b"a IDLE", b"DONE", b"a ENABLE CONDSTORE QRESYNC UTF8=ACCEPT",
    b"a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
    b"a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)",
    b"a SEARCH RETURN (MIN MAX COUNT SAVE) CHARSET UTF-8 OR (FROM \"x\" NOT SEEN) TEXT {3}\r\nabc",
    b"a UID SORT RETURN (MIN MAX COUNT ALL) (REVERSE DATE DISPLAYFROM) UTF-8 OR SUBJECT {3}\r\nabc SEEN",
    b"a THREAD REFERENCES \"UTF-8\" (SINCE 1-Jan-2000 NOT DELETED)",
    b"a UID SEARCH RETURN (UPDATE CONTEXT PARTIAL -1:-100) UNDELETED",
    b"a UID FETCH 1:* (FLAGS) (PARTIAL 1:50 CHANGEDSINCE 7)",
    b"a CANCELUPDATE \"B01\" \"B02\"",
    b"a GETMETADATA (MAXSIZE 1024 DEPTH infinity) \"\" (/shared/comment /private/vendor/x/y)",
    b"a SETMETADATA INBOX (/private/comment ~{4}\r\na\0\r\n /shared/comment {2}\r\nhi /shared/x NIL)",
    b"b NOTIFY SET STATUS (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (From Subject)]) MessageExpunge))"
    b" (subtree (Lists {4}\r\nWork) (MessageNew MessageExpunge FlagChange)) (personal (MailboxName SubscriptionChange))",
    b"c NOTIFY SET (selected-delayed NONE) (mailboxes INBOX (MessageNew MessageExpunge)) (inboxes (x-Unknown))",
    b"d NOTIFY NONE",
    b"a SETACL \"Other Users/alice/Team\" -anyone +lrc", b"a DELETEACL INBOX {4}\r\nfred",
    b"a LISTRIGHTS Shared/support authenticated", b"a MYRIGHTS INBOX", b"a LIST \"\" * RETURN (MYRIGHTS)",
]

APPEND_SESSIONS = [
    b"a1 LOGIN fred secret\r\na2 SELECT INBOX\r\na3 APPEND INBOX (\\Seen) {11}\r\nhello world\r\na4 NOOP\r\n",
    b"a APPEND INBOX {5+}\r\nhello {3+}\r\nabc\r\nb NOOP\r\n",
    b"a APPEND INBOX (\\Seen) \"17-Jul-1996 02:44:25 -0700\" ~{4}\r\nab\0c (\\Draft) {2}\r\nhi\r\n",
    b"a APPEND {5}\r\nDraft {0}\r\n\r\nb APPEND INBOX {1+}\r\nx junk\r\nc LOGOUT\r\n",
    b"a AUTHENTICATE PLAIN\r\nAHVzZXIAcGFzcw==\r\nb IDLE\r\nDONE\r\nc LOGIN {4+}\r\nfred {6}\r\nsecret\r\n",
    b"a LOGIN {99999999999+}\r\nxx\r\nb NOOP\r\n",
    b"a SEARCH TEXT {3}\r\nabc SUBJECT {2+}\r\nhi\r\n" + b"b " + b"x" * 300 + b"\r\nc NOOP\n",
]


def header(config=0, decisions=b"", chunks=b""):
    return bytes([config, len(decisions), len(chunks)]) + decisions + chunks


def framer_seeds(lines):
    streams = framer_transcripts() + APPEND_SESSIONS
    for start in range(0, len(lines), 12):  # pipelines of fixture lines
        streams.append(b"".join(line + b"\r\n" for line in lines[start:start + 12]))
    seeds = []
    for stream in streams:
        seeds.append(header() + stream)
        seeds.append(header(0, b"\x00\x01\x02\x03\x07", b"\x00\x02\x06\x10") + stream)
        seeds.append(header(0b01101010, b"\x03\x00\x01", b"\x04\xf0") + stream)
    return seeds


def corpus_messages(count):
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, SHARED_CORPUS, "--count", str(count), "--maildir", folder],
                       check=True, stdout=subprocess.DEVNULL)
        paths = sorted(p for p in glob.glob(os.path.join(folder, "**", "*"), recursive=True) if os.path.isfile(p))
        return [open(p, "rb").read() for p in paths]


def tricky_messages():
    sys.path.insert(0, os.path.join(ROOT, "Tests", "EndToEnd"))
    import binary_messages
    import tricky_messages
    return [body for _, body in tricky_messages.MESSAGES + binary_messages.BINARY_MESSAGES]


HEADER_VALUES = [
    b"Ann Example <ann@example.com>, \"Bob, Jr.\" <bob@example.org>",
    b"undisclosed-recipients:;", b"Team: a@b.c, <@route:d@e.f>;, (comment) g@h",
    b"=?UTF-8?B?w6TDtsO8?= =?ISO-8859-1?Q?caf=E9_au_lait?=", b"=?utf-8?q?broken",
    b"Tue, 2 Jan 2024 10:00:00 +0000", b"2 Jan 24 10:00 EST", b"Tue Jan  2 10:00:00 2024",
    b"31 Feb 2023 25:61:61 -9999", b"SGVsbG8gd29ybGQ=\r\nZm9v", b"caf=C3=A9 =\r\nsoft=20\r\n",
]


def swift_multiline(body):
    """The bytes of a Swift multi-line string literal's content: the indentation of the closing
    delimiter removed, escapes undone."""
    lines = body.split("\n")
    indent = len(lines[-1]) - len(lines[-1].lstrip(" "))
    return swift_string('"' + "\n".join(line[indent:] for line in lines[1:-1]) + '"')


def sieve_scripts():
    scripts = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests", "SieveTests", "*.swift"))):
        text = open(path, encoding="utf-8").read()
        for match in re.finditer(r'"""(.*?)"""', text, re.S):
            scripts.append(swift_multiline(match.group(1)))
        for match in re.finditer(STRING, text):
            data = swift_string(match.group(1))
            if any(word in data for word in (b"require", b"if ", b"keep", b"fileinto", b"redirect")):
                scripts.append(data)
    return scripts


LMTP_SESSIONS = [
    b"LHLO mx.example\r\nMAIL FROM:<a@b.example> SIZE=100 BODY=8BITMIME SMTPUTF8\r\nRCPT TO:<alice+x@example.org>\r\n"
    b"RCPT TO:<\"john doe\"@example.org>\r\nDATA\r\nSubject: x\r\n\r\n..dot\r\n.\r\r\nend\r\n.\r\nQUIT\r\n",
    b"LHLO x\r\nMAIL FROM:<> BODY=BINARYMIME\r\nRCPT TO:<@r.example:bob@example.org>\r\nBDAT 5\r\nabcdeBDAT 3 LAST\r\n\r\n.NOOP\r\n",
    b"EHLO x\r\nFOO\r\nMAIL FROM:a@b\r\nRCPT TO:<a@b> NOTIFY=NEVER\r\nBDAT x\r\nVRFY alice\r\nHELP\r\nRSET\r\n"
    + b"x" * 600 + b"\r\nDATA\r\na\n.\nb\r\n.\r\n",
]


def lmtp_seeds():
    seeds = []
    for stream in LMTP_SESSIONS:
        seeds.append(header() + stream)
        seeds.append(header(0, b"", b"\x01\x02\x03\x05\x07") + stream)
        seeds.append(header(2, b"", b"\x04\x10") + stream)
    return seeds


SMTP_REPLIES = [
    b"220 relay.example.org ESMTP\r\n",
    b"250-relay.example.org\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10240000\r\n",
    b"354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued\r\n221 2.0.0 Bye\r\n",
    b"550 5.1.1 <x@example.org>: Recipient address rejected\n451\r\n",
    b"Subject: x\r\n\r\n.line with a dot\n..two\r\n.\r\nend",
]
def managesieve_seeds():
    """The command lines of Tests/ManageSieveSyntaxTests, whole and as one pipeline, each
    behind the two control bytes (limits, chunk size) of FuzzManageSieve."""
    lines = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests", "ManageSieveSyntaxTests", "*.swift"))):
        for match in re.finditer(STRING, open(path, encoding="utf-8").read()):
            data = swift_string(match.group(1))
            if data.endswith(b"\r\n"):
                lines.append(data)
    session = b"".join(lines)
    return [control + line for line in lines + [session] for control in (b"\x00\x07", b"\x01\x01")]


def write(target, inputs, limit=None):
    folder = os.path.join(FUZZ, "seeds", target)
    os.makedirs(folder, exist_ok=True)
    written = 0
    for data in inputs:
        if limit is not None and len(data) > limit:
            continue
        name = os.path.join(folder, hashlib.sha1(data).hexdigest())
        if not os.path.exists(name):
            with open(name, "wb") as f:
                f.write(data)
        written += 1
    print(f"{target}: {written} seeds in {os.path.relpath(folder, ROOT)}")


def mail_import_seeds(messages):
    """Dovecot uidlists, keywords and subscriptions files, and mbox files (mboxrd quoting,
    Status fields, Content-Length, a truncated end), each behind a chunk-size byte."""
    uidlists = [b"3 V1796546220 N5 G41c9b315aa1e156ba75a000083ecc375\n1 :1796546218.M365835P23207.vm,S=18,W=21\n"
                b"4 W1234 S1200 :1796546218.M366343P23207.vm\n",
                b"1 12345 9\n1 a.file\n5 b.file:2,S\n"]
    small = [b"0 $Forwarded\n1 custom1\n", b"V\t2\n\nSent\nLists\tdebian\n&AMk-t&AOk-\n",
             b".Lists.debian\n1796546218.M372403P23207.vm,S=18,W=21:2,DFPRSTab\n"]
    mboxes = []
    for index, message in enumerate(messages):
        body = message.replace(b"\r\n", b"\n")
        mboxes.append(b"From a@b Mon Jan  1 10:00:%02d 2024\nStatus: RO\nX-Status: AF\nX-Keywords: $L\n" % (index % 60)
                      + body + b"\n>From q\n\nFrom c@d Tue Feb 27 23:59:59 2024 +0100\nContent-Length: 3\n\nab\n\n")
    mboxes.append(b"From a Mon Jan  1 10:00:00 2024\nX-IMAPbase: 7 9\nX-UID: 3\n\ncut")
    return [bytes([n]) + seed for n, seed in enumerate(uidlists + small + mboxes)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="corpus messages (default 200)")
    args = parser.parse_args()
    lines = fixture_lines() + EXTRA_LINES
    write("FuzzCommandParser", lines + [t for t in framer_transcripts()])
    write("FuzzFramer", framer_seeds(lines))
    write("FuzzSieveParser", sieve_scripts(), limit=4096)
    write("FuzzLMTPParser", lmtp_seeds())
    write("FuzzSMTPReply", SMTP_REPLIES)
    write("FuzzManageSieve", managesieve_seeds(), limit=4096)
    messages = corpus_messages(args.count) + tricky_messages()
    # A few messages as LF-only mail too, since the parser takes both line ends.
    lf_only = [m.replace(b"\r\n", b"\n") for m in messages[:20]]
    write("FuzzMessageParser", messages + lf_only + HEADER_VALUES, limit=MAX_MESSAGE)
    write("FuzzMailImport", mail_import_seeds(messages[:20]), limit=4096)


if __name__ == "__main__":
    main()
