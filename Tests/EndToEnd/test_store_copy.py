"""STORE (RFC 3501 §6.4.6), COPY (§6.4.7) and the UID forms (§6.4.8) end to end: flag
operations and .SILENT, keywords, UID in UID STORE responses, COPYUID (RFC 4315 §3),
TRYCREATE, and UID ranges."""

import re

import imapclient
import pytest

from conftest import append_raw, literal_after, login_raw, uid_set_members

COPYUID = re.compile(rb"^(\w+) OK \[COPYUID (\d+) ([\d:,]+) ([\d:,]+)\] ")


def selected_with(server, corpus, count, flags=None):
    client = login_raw(server)
    for i in range(count):
        append_raw(client, f"p{i}", "INBOX", corpus[i], flags=flags,
                   date=f"{i + 1:2d}-Jun-2023 0{i % 10}:30:00 -0700")
    client.command("s", "SELECT INBOX")
    return client


def flag_set(line):
    return set(re.search(rb"FLAGS \(([^)]*)\)", line).group(1).split())


# --- STORE -------------------------------------------------------------------------------------

def test_store_flags_replaces_adds_and_removes(server, corpus):
    """RFC 3501 §6.4.6: FLAGS replaces the flags, +FLAGS adds, -FLAGS removes; each answers
    an untagged FETCH with the new flags of every message named."""
    client = selected_with(server, corpus, 3)
    lines = client.command("a", "STORE 1:2 FLAGS (\\Seen \\Draft)")
    assert lines[-1] == b"a OK STORE completed" and len(lines) == 3
    assert all(flag_set(l) == {b"\\Seen", b"\\Draft", b"\\Recent"} for l in lines[:2])
    lines = client.command("b", "STORE 2:3 +FLAGS (\\Flagged)")
    assert lines[0].startswith(b"* 2 FETCH") and flag_set(lines[0]) == {b"\\Seen", b"\\Draft", b"\\Flagged", b"\\Recent"}
    assert lines[1].startswith(b"* 3 FETCH") and flag_set(lines[1]) == {b"\\Flagged", b"\\Recent"}
    lines = client.command("c", "STORE 1:3 -FLAGS (\\Seen \\Flagged)")
    assert [flag_set(l) for l in lines[:3]] == [{b"\\Draft", b"\\Recent"}, {b"\\Draft", b"\\Recent"},
                                                {b"\\Recent"}]
    lines = client.command("d", "STORE 1 FLAGS ()")
    assert flag_set(lines[0]) == {b"\\Recent"}
    # The flags persist: another session sees them.
    other = login_raw(server)
    other.command("e", "EXAMINE INBOX")
    lines = other.command("f", "FETCH 1:3 (FLAGS)")
    assert [flag_set(l) - {b"\\Recent"} for l in lines[:3]] == [set(), {b"\\Draft"}, set()]


def test_store_silent_sends_no_fetch(server, corpus):
    """RFC 3501 §6.4.6: with .SILENT the server does not send the untagged FETCH, but the
    change is made."""
    client = selected_with(server, corpus, 2)
    assert client.command("a", "STORE 1:2 +FLAGS.SILENT (\\Answered)") == [b"a OK STORE completed"]
    assert client.command("b", "STORE 1 FLAGS.SILENT (\\Seen)") == [b"b OK STORE completed"]
    assert client.command("c", "STORE 2 -FLAGS.SILENT (\\Answered)") == [b"c OK STORE completed"]
    lines = client.command("f", "FETCH 1:2 (FLAGS)")
    assert flag_set(lines[0]) == {b"\\Seen", b"\\Recent"} and flag_set(lines[1]) == {b"\\Recent"}


def test_keywords_are_stored_and_announced(server, corpus):
    """RFC 3501 §6.4.6, §7.2.6: with `\\*` in PERMANENTFLAGS a client may set new keywords;
    the new keyword is announced in an untagged FLAGS response and listed by later SELECTs
    in FLAGS and PERMANENTFLAGS."""
    client = selected_with(server, corpus, 2)
    lines = client.command("a", "STORE 1 +FLAGS ($Label1 Project-X)")
    assert lines[-1] == b"a OK STORE completed"
    fetch = [l for l in lines if l.startswith(b"* 1 FETCH")]
    assert len(fetch) == 1 and {b"$Label1", b"Project-X"} <= flag_set(fetch[0])
    flags_lines = [l for l in lines if l.startswith(b"* FLAGS ")]
    assert len(flags_lines) == 1 and {b"$Label1", b"Project-X"} <= flag_set(flags_lines[0])
    client.command("u", "UNSELECT")
    lines = client.command("s", "SELECT INBOX")
    flags = [l for l in lines if l.startswith(b"* FLAGS ")][0]
    assert {b"$Label1", b"Project-X", b"\\Seen"} <= flag_set(flags)
    permanent = [l for l in lines if b"[PERMANENTFLAGS" in l][0]
    assert b"$Label1" in permanent and b"\\*" in permanent
    # Keywords are removed like system flags.
    lines = client.command("b", "STORE 1 -FLAGS (Project-X)")
    assert flag_set(lines[0]) == {b"$Label1"}


def test_uid_store_includes_uid_in_fetch_responses(server, corpus):
    """RFC 3501 §6.4.8: the untagged FETCH responses of UID STORE include the UID."""
    client = selected_with(server, corpus, 3)
    lines = client.command("a", "UID STORE 2:3 +FLAGS (\\Flagged)")
    assert lines[-1] == b"a OK UID STORE completed"
    assert re.match(rb"^\* 2 FETCH \(.*UID 2.*\)$", lines[0]) and re.match(rb"^\* 3 FETCH \(.*UID 3.*\)$", lines[1])
    # UIDs that do not exist are skipped without error.
    assert client.command("b", "UID STORE 50:60 +FLAGS (\\Flagged)") == [b"b OK UID STORE completed"]


def test_store_with_imaplib_and_imapclient(server, corpus):
    """RFC 3501 §6.4.6 through the client libraries."""
    selected_with(server, corpus, 2).close()
    lib = server.imap("alice", "secret-a")
    lib.select("INBOX")
    typ, data = lib.store("1", "+FLAGS", "(\\Flagged $Todo)")
    assert typ == "OK" and b"\\Flagged" in data[0] and b"$Todo" in data[0]
    lib.logout()
    ic = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    ic.login("alice", "secret-a")
    ic.select_folder("INBOX")
    assert set(ic.add_flags([2], [imapclient.SEEN, b"Later"])[2]) >= {imapclient.SEEN, b"Later"}
    assert imapclient.SEEN not in ic.remove_flags([2], [imapclient.SEEN])[2]
    ic.set_flags([1], [imapclient.ANSWERED])
    flags = ic.get_flags([1, 2])
    assert set(flags[1]) - {imapclient.RECENT} == {imapclient.ANSWERED}
    assert set(flags[2]) - {imapclient.RECENT} == {b"Later"}
    ic.logout()


# --- COPY and UID COPY -------------------------------------------------------------------------

def test_copy_keeps_flags_date_and_bytes_and_answers_copyuid(server, corpus):
    """RFC 3501 §6.4.7: the copies keep flags and internal date; RFC 4315 §3: COPYUID gives
    the destination's UIDVALIDITY and maps source to destination UIDs in order."""
    client = selected_with(server, corpus, 4)
    client.command("f", "STORE 2 +FLAGS (\\Flagged $Keep)")
    client.command("g", "STORE 3 +FLAGS (\\Seen)")
    client.command("c", "CREATE Archive")
    validity = int(re.search(rb"UIDVALIDITY (\d+)", client.command("v", "STATUS Archive (UIDVALIDITY)")[0]).group(1))
    lines = client.command("a", "COPY 2:3 Archive")
    match = COPYUID.match(lines[-1])
    assert match, lines
    assert int(match.group(2)) == validity
    assert uid_set_members(match.group(3)) == [2, 3] and uid_set_members(match.group(4)) == [1, 2]
    source = client.command("s", "FETCH 2:3 (FLAGS INTERNALDATE BODY.PEEK[])")
    client.command("x", "EXAMINE Archive")
    copied = client.command("t", "FETCH 1:2 (FLAGS INTERNALDATE BODY.PEEK[])")
    for original, copy in zip(source[:2], copied[:2]):
        assert flag_set(original) - {b"\\Recent"} == flag_set(copy) - {b"\\Recent"}
        assert re.search(rb'INTERNALDATE "[^"]+"', original).group(0) == re.search(rb'INTERNALDATE "[^"]+"', copy).group(0)
        assert literal_after(original, "BODY[]") == literal_after(copy, "BODY[]")
    assert literal_after(copied[0], "BODY[]") == corpus[1]


def test_uid_copy_answers_copyuid_with_uids(server, corpus):
    """RFC 3501 §6.4.8, RFC 4315 §3: UID COPY names messages by UID; COPYUID lists the source
    UIDs and the new ones."""
    client = selected_with(server, corpus, 5)
    client.command("d", "STORE 1,3 +FLAGS (\\Deleted)")
    client.command("e", "EXPUNGE")  # UIDs left: 2, 4, 5
    client.command("c", "CREATE Dest")
    append_raw(client, "q", "Dest", corpus[9])
    lines = client.command("a", "UID COPY 4:5 Dest")
    match = COPYUID.match(lines[-1])
    assert match and match.group(1) == b"a", lines
    assert uid_set_members(match.group(3)) == [4, 5] and uid_set_members(match.group(4)) == [2, 3]
    lines = client.command("b", "UID COPY 1,3 Dest")  # expunged UIDs: nothing to copy
    assert lines[-1].startswith(b"b OK") and b"COPYUID" not in lines[-1]
    assert b"MESSAGES 3" in client.command("s", "STATUS Dest (MESSAGES)")[0]


def test_copy_to_missing_mailbox_answers_trycreate(server, corpus):
    """RFC 3501 §6.4.7: COPY to a mailbox that does not exist fails with NO [TRYCREATE] and
    copies nothing."""
    client = selected_with(server, corpus, 2)
    assert re.match(rb"^a NO \[TRYCREATE\] .+", client.command("a", "COPY 1:2 Nowhere")[-1])
    assert re.match(rb"^b NO \[TRYCREATE\] .+", client.command("b", "UID COPY 1 Nowhere")[-1])
    assert "Nowhere" not in str(client.command("l", 'LIST "" *'))


def test_copy_into_the_selected_mailbox_announces_exists(server, corpus):
    """RFC 3501 §6.4.7 with §7.3.1: copying into the selected mailbox adds messages, which the
    session is told of with EXISTS."""
    client = selected_with(server, corpus, 2)
    lines = client.command("a", "COPY 1:2 INBOX")
    assert b"* 4 EXISTS" in lines and COPYUID.match(lines[-1])
    assert uid_set_members(COPYUID.match(lines[-1]).group(4)) == [3, 4]


def test_copy_with_imaplib_and_imapclient(server, corpus):
    """RFC 3501 §6.4.7 through the client libraries."""
    selected_with(server, corpus, 3).close()
    lib = server.imap("alice", "secret-a")
    lib.create("Saved")
    lib.select("INBOX")
    typ, data = lib.copy("1:2", "Saved")
    assert typ == "OK" and b"COPYUID" in data[0]
    lib.logout()
    ic = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    ic.login("alice", "secret-a")
    ic.select_folder("INBOX")
    ic.copy([3], "Saved")
    assert ic.folder_status("Saved", ["MESSAGES"])[b"MESSAGES"] == 3
    ic.select_folder("Saved")
    assert [data[b"BODY[]"] for _, data in sorted(ic.fetch([1, 2, 3], ["BODY.PEEK[]"]).items())] == corpus[:3]
    ic.logout()


# --- UID commands and ranges -------------------------------------------------------------------

def test_uid_fetch_names_messages_by_uid(server, corpus):
    """RFC 3501 §6.4.8: UID FETCH takes UIDs, always returns UID, and skips UIDs that do not
    exist without an error."""
    client = selected_with(server, corpus, 5)
    client.command("d", "STORE 2 +FLAGS (\\Deleted)")
    client.command("e", "EXPUNGE")  # UIDs 1, 3, 4, 5 at numbers 1-4
    lines = client.command("a", "UID FETCH 3:4 (FLAGS)")
    assert [re.match(rb"^\* (\d+) FETCH", l).group(1) for l in lines[:-1]] == [b"2", b"3"]
    assert all(re.search(rb"UID \d+", l) for l in lines[:-1])
    assert [int(re.search(rb"UID (\d+)", l).group(1)) for l in lines[:-1]] == [3, 4]
    lines = client.command("b", "UID FETCH 2 (FLAGS)")
    assert lines == [b"b OK UID FETCH completed"]
    lines = client.command("c", "UID FETCH 1,5 (RFC822.SIZE)")
    assert [int(re.search(rb"UID (\d+)", l).group(1)) for l in lines[:-1]] == [1, 5]


@pytest.mark.parametrize("command, check", [
    ("UID FETCH {n}:* (FLAGS)", "fetch"),
    ("UID STORE {n}:* +FLAGS (\\Answered)", "store"),
    ("UID COPY {n}:* Dest", "copy"),
])
def test_uid_range_beyond_highest_uid_includes_the_highest(server, corpus, command, check):
    """RFC 3501 §6.4.8: in a UID range `n:*` with n greater than the highest UID, `*` is the
    highest UID and the range is `highest:n`, so it names the message with the highest UID."""
    client = selected_with(server, corpus, 3)
    client.command("c", "CREATE Dest")
    lines = client.command("a", command.format(n=100))
    assert lines[-1].startswith(b"a OK"), lines
    if check == "copy":
        match = COPYUID.match(lines[-1])
        assert match and match.group(3) == b"3", lines
    else:
        fetched = [l for l in lines if l.startswith(b"* ")]
        assert len(fetched) == 1 and fetched[0].startswith(b"* 3 FETCH"), lines
        assert b"UID 3" in fetched[0]


def test_uid_expunge_range_beyond_highest_uid(server, corpus):
    """RFC 3501 §6.4.8 and RFC 4315 §2.1: `UID EXPUNGE n:*` with n above the highest UID
    expunges the highest message if it is \\Deleted."""
    client = selected_with(server, corpus, 3)
    client.command("d", "STORE 1:3 +FLAGS.SILENT (\\Deleted)")
    lines = client.command("a", "UID EXPUNGE 100:*")
    assert lines == [b"* 3 EXPUNGE", b"a OK UID EXPUNGE completed"]


def test_sequence_ranges_in_either_order_and_lists(server, corpus):
    """RFC 3501 §9 (sequence-set): `4:2` is `2:4`; lists may repeat and overlap; `*` is the
    last message."""
    client = selected_with(server, corpus, 5)
    lines = client.command("a", "FETCH 4:2 (UID)")
    assert [re.match(rb"^\* (\d+) ", l).group(1) for l in lines[:-1]] == [b"2", b"3", b"4"]
    lines = client.command("b", "FETCH 5,1:2,2,* (UID)")
    assert sorted({re.match(rb"^\* (\d+) ", l).group(1) for l in lines[:-1]}) == [b"1", b"2", b"5"]
    assert len(lines) == 4, lines
