"""REPLACE and UID REPLACE (RFC 8508) against the real binary: a draft replaced in place and
moved to Sent after submission, with APPENDUID before EXPUNGE (§4.3), another session told of
both changes, the quota counted on the net change (§3.4), and refusals that change nothing."""

import re

from conftest import append_raw, login_raw

DRAFT = (b"Date: Thu, 1 Jan 2015 00:05:00 -0500\r\nFrom: Fritz Schmidt <fritz.ze@example.org>\r\n"
         b"Subject: happy new year !!\r\nTo: miss.mitzy@example.org\r\n"
         b"Message-Id: <B238822388-0100000@example.org>\r\n\r\n")


def draft(version, padding=0):
    return DRAFT + f"Draft number {version}.\r\n".encode() + b"x" * padding + b"\r\n"


def replace(client, tag, command, message):
    """Sends `tag command {n}` with a synchronizing literal, waiting for `+` (RFC 8508 §3.2)."""
    client.send(f"{tag} {command} {{{len(message)}}}\r\n")
    line = client.readline()
    if not line.startswith(b"+"):
        return [line]
    client.send(message + b"\r\n")
    return client.read_response(tag)


def test_replace_a_draft_then_file_it_in_sent(server):
    client = login_raw(server)
    other = login_raw(server)
    assert b" REPLACE" in client.command("c", "CAPABILITY")[0]
    append_raw(client, "a1", "Drafts", draft(1), flags="\\Draft")
    client.command("s", "SELECT Drafts")
    other.command("o", "SELECT Drafts")
    validity = int(re.search(rb"UIDVALIDITY (\d+)", b" ".join(client.command("st", "STATUS Drafts (UIDVALIDITY)"))).group(1))
    lines = replace(client, "r1", "REPLACE 1 Drafts (\\Seen \\Draft)", draft(2))
    assert lines == [f"* OK [APPENDUID {validity} 2] Replacement Message ready".encode(), b"* 1 EXPUNGE",
                     b"* 1 EXISTS", b"* 1 RECENT", b"r1 OK REPLACE completed"]
    assert client.command("f", "UID FETCH 1:* (FLAGS BODY.PEEK[TEXT])")[0] == (
        b"* 1 FETCH (UID 2 FLAGS (\\Seen \\Draft \\Recent) BODY[TEXT] {19}\r\nDraft number 2.\r\n\r\n)")
    # The other session learns of the expunge and of the new message at its next command.
    told = other.command("n", "NOOP")
    assert b"* 1 EXPUNGE" in told and b"* 1 EXISTS" in told
    # After submission: UID REPLACE moves the final version to Sent.
    sent_validity = int(re.search(rb"UIDVALIDITY (\d+)", b" ".join(client.command("st2", "STATUS Sent (UIDVALIDITY)"))).group(1))
    lines = replace(client, "r2", "UID REPLACE 2 Sent (\\Seen)", draft(3))
    assert lines == [f"* OK [APPENDUID {sent_validity} 1] Replacement Message ready".encode(), b"* 1 EXPUNGE",
                     b"r2 OK UID REPLACE completed"]
    assert client.command("x", "STATUS Drafts (MESSAGES)")[0] == b'* STATUS "Drafts" (MESSAGES 0)'
    assert client.command("y", "STATUS Sent (MESSAGES)")[0] == b'* STATUS "Sent" (MESSAGES 1)'
    client.close()
    other.close()


def test_replace_refusals_change_nothing(server):
    client = login_raw(server)
    assert replace(client, "a", "REPLACE 1 INBOX", draft(1)) == [b"a BAD REPLACE: Select a mailbox first"]
    append_raw(client, "a1", "INBOX", draft(1))
    client.command("s", "SELECT INBOX")
    assert replace(client, "b", "REPLACE 5 INBOX", draft(2)) == [b"b BAD Invalid message sequence number"]
    assert replace(client, "c", "UID REPLACE 77 INBOX", draft(2))[-1].startswith(b"c NO ")
    assert replace(client, "d", "REPLACE 1 Missing", draft(2))[-1].startswith(b"d NO [TRYCREATE]")
    assert client.command("e", "REPLACE 1 INBOX")[-1].startswith(b"e BAD")
    assert client.command("f", "UID FETCH 1:* UID") == [b"* 1 FETCH (UID 1)", b"f OK UID FETCH completed"]
    client.command("x", "EXAMINE INBOX")
    assert replace(client, "g", "REPLACE 1 INBOX", draft(2))[-1].startswith(b"g NO [READ-ONLY]")
    client.close()


def test_replace_counts_the_net_quota_change(make_server):
    """RFC 8508 §3.4: "the quota implications of APPEND are evaluated within the context of the
    pending EXPUNGE so that only the net quota consumption is considered"."""
    server = make_server()
    client = login_raw(server)
    append_raw(client, "a1", "INBOX", draft(1, padding=3000))
    server.tern("quota", "set", "alice", "--messages", "1")
    client.command("s", "SELECT INBOX")
    assert append_raw(client, "a2", "INBOX", draft(2))[-1].startswith(b"a2 NO [OVERQUOTA]")
    lines = replace(client, "r", "REPLACE 1 INBOX", draft(2))
    assert lines[-1] == b"r OK REPLACE completed", lines
    assert client.command("f", "FETCH 1 BODY.PEEK[TEXT]")[0].endswith(b"Draft number 2.\r\n\r\n)")
    client.close()
