"""CONTEXT=SEARCH updates and PARTIAL beside Dovecot 2.3 (which offers CONTEXT=SEARCH): the same
two-session script runs on both servers and the ESEARCH responses must be the same, step by
step (RFC 5267 §4.3: ADDTO/REMOVEFROM after flag changes, new mail, expunges and the session's
own STORE; §4.3.5 CANCELUPDATE; §4.4 PARTIAL). Runs where Dovecot can (root, `dovecot-imapd`, a
`vmail` user); skipped elsewhere, like the other Dovecot comparisons."""

import pytest

from conftest import RawClient, TernServer, append_raw
from dovecot_peer import DovecotPeer, unavailable_reason

USER, PASSWORD = "alice", "secret-a"


def message(subject):
    return f"From: a@x\r\nSubject: {subject}\r\n\r\nbody\r\n".encode()


# (who, command): the reader follows searches, the writer changes the mailbox.
SCRIPT = [
    ("reader", "A1 SEARCH RETURN (UPDATE COUNT) FLAGGED"),
    ("reader", "A2 UID SEARCH RETURN (UPDATE MIN) UNSEEN"),
    ("writer", "w1 STORE 3 +FLAGS.SILENT (\\Flagged \\Seen)"),
    ("reader", "n1 NOOP"),
    ("writer", "w2 STORE 1 -FLAGS.SILENT (\\Flagged)"),
    ("reader", "n2 NOOP"),
    ("writer", "APPEND"),
    ("reader", "n3 NOOP"),
    ("writer", "w3 STORE 2 +FLAGS.SILENT (\\Deleted)"),
    ("writer", "w4 EXPUNGE"),
    ("reader", "n4 NOOP"),
    ("reader", "r1 STORE 1 +FLAGS.SILENT (\\Flagged)"),
    ("reader", "r2 UID STORE 6 +FLAGS.SILENT (\\Seen)"),
    ("reader", 'c1 CANCELUPDATE "A1"'),
    ("writer", "w5 STORE 1:* +FLAGS.SILENT (\\Flagged)"),
    ("reader", "n5 NOOP"),
    ("reader", "p1 SEARCH RETURN (PARTIAL 2:3) ALL"),
    ("reader", "p2 UID SEARCH RETURN (PARTIAL 1:100 COUNT) FLAGGED"),
    ("reader", "p3 SEARCH RETURN (PARTIAL 9:10) ALL"),
]


def run_script(port):
    """The ESEARCH lines each step of SCRIPT got, on one server."""
    writer = RawClient(port)
    writer.command("l", f"LOGIN {USER} {PASSWORD}")
    for index in range(5):
        append_raw(writer, f"a{index}", "INBOX", message(f"m{index}"), flags="\\Flagged" if index in (0, 3) else None)
    writer.command("s", "SELECT INBOX")
    reader = RawClient(port)
    reader.command("l", f"LOGIN {USER} {PASSWORD}")
    reader.command("s", "SELECT INBOX")
    answers = []
    try:
        for who, command in SCRIPT:
            if who == "writer":
                if command == "APPEND":
                    append_raw(writer, "ap", "INBOX", message("new"), flags="\\Flagged")
                else:
                    tag, text = command.split(" ", 1)
                    writer.command(tag, text)
                continue
            tag, text = command.split(" ", 1)
            lines = reader.command(tag, text)
            assert lines[-1].startswith(f"{tag} OK".encode()), lines
            answers.append((command, [line for line in lines if line.startswith(b"* ESEARCH")]))
    finally:
        reader.close()
        writer.close()
    return answers


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("contexts-differential")
    dovecot = DovecotPeer(users=[(USER, PASSWORD)])
    tern = TernServer(root / "tern-data")
    try:
        dovecot.start()
        tern.add_user(USER, PASSWORD)
        tern.start()
        yield run_script(dovecot.port), run_script(tern.port)
    finally:
        tern.stop()
        dovecot.cleanup()


@pytest.mark.parametrize("step", [command for who, command in SCRIPT if who == "reader"])
def test_esearch_responses_match_dovecot(answers, step):
    dovecot, tern = answers
    expected = dict(dovecot)[step]
    got = dict(tern)[step]
    assert got == expected, f"Dovecot {expected}, Tern {got}"
