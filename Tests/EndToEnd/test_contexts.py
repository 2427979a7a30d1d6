"""CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4) and PARTIAL (RFC 9394), end to end with two
sessions of the real server: one follows a search with RETURN (UPDATE), the other changes the
mailbox (flags, new mail, expunges)."""

import re

import pytest

from conftest import append_raw, login_raw, silent


def message(subject, day):
    return f"From: a@x\r\nSubject: {subject}\r\nDate: {day} Jan 2024 10:00:00 +0000\r\n\r\nbody\r\n".encode()


@pytest.fixture
def pair(server):
    """Two sessions of alice on INBOX, which holds subjects e c a d b (2 and 4 flagged)."""
    writer = login_raw(server)
    for index, subject in enumerate(["e", "c", "a", "d", "b"]):
        flags = "\\Flagged" if index in (1, 3) else None
        append_raw(writer, f"p{index}", "INBOX", message(subject, index + 1), flags=flags)
    writer.command("s", "SELECT INBOX")  # the writer claims \Recent (RFC 3501 §2.3.2)
    reader = login_raw(server)
    reader.command("s", "SELECT INBOX")
    yield reader, writer
    reader.close()
    writer.close()


def untagged(lines):
    return [line for line in lines if line.startswith(b"* ")]


def test_capabilities_advertised(pair):
    """RFC 5267 §4.1 and RFC 9394 §3: the capabilities name what works."""
    reader, _ = pair
    capability = untagged(reader.command("c", "CAPABILITY"))[0]
    for name in (b"CONTEXT=SEARCH", b"CONTEXT=SORT", b"ESORT", b"PARTIAL", b"THREAD=REFS"):
        assert b" " + name in capability, capability


def test_search_update_follows_other_sessions(pair):
    """RFC 5267 §4.3.3-4.3.4: ADDTO after the FETCH or EXISTS that causes it, REMOVEFROM before
    the EXPUNGE (while the sequence number is still valid), position 0 for SEARCH."""
    reader, writer = pair
    lines = reader.command("A1", "SEARCH RETURN (UPDATE COUNT) FLAGGED")
    assert lines == [b'* ESEARCH (TAG "A1") COUNT 2', b"A1 OK SEARCH completed"]
    lines = reader.command("A2", "UID SEARCH RETURN (UPDATE) FLAGGED")
    assert lines == [b'* ESEARCH (TAG "A2") UID', b"A2 OK UID SEARCH completed"]

    writer.command("w1", "STORE 3 +FLAGS.SILENT (\\Flagged)")
    assert untagged(reader.command("n1", "NOOP")) == [
        b"* 3 FETCH (FLAGS (\\Flagged))", b'* ESEARCH (TAG "A1") ADDTO (0 3)', b'* ESEARCH (TAG "A2") UID ADDTO (0 3)']

    append_raw(writer, "w2", "INBOX", message("f", 6), flags="\\Flagged")
    lines = untagged(reader.command("n2", "NOOP"))
    assert lines[0] == b"* 6 EXISTS"
    assert lines[-2:] == [b'* ESEARCH (TAG "A1") ADDTO (0 6)', b'* ESEARCH (TAG "A2") UID ADDTO (0 6)']

    writer.command("w3", "STORE 2 +FLAGS.SILENT (\\Deleted)")
    writer.command("w4", "EXPUNGE")
    assert untagged(reader.command("n3", "NOOP")) == [
        b'* ESEARCH (TAG "A1") REMOVEFROM (0 2)', b'* ESEARCH (TAG "A2") UID REMOVEFROM (0 2)', b"* 2 EXPUNGE"]

    # The session's own STORE changes the result as well: message 3 is now UID 4.
    lines = reader.command("n4", "STORE 3 -FLAGS.SILENT (\\Flagged)")
    assert untagged(lines) == [b'* ESEARCH (TAG "A1") REMOVEFROM (0 3)', b'* ESEARCH (TAG "A2") UID REMOVEFROM (0 4)']


def test_updates_arrive_during_idle(pair):
    """RFC 5267 §4.3.2: updates may come at any time, IDLE included (RFC 2177)."""
    reader, writer = pair
    reader.command("A1", "UID SEARCH RETURN (UPDATE) UNFLAGGED")
    reader.send("i IDLE\r\n")
    assert reader.readline().startswith(b"+ ")
    writer.command("w1", "UID STORE 1 +FLAGS.SILENT (\\Flagged)")
    assert reader.readline() == b"* 1 FETCH (FLAGS (\\Flagged))"
    assert reader.readline() == b'* ESEARCH (TAG "A1") UID REMOVEFROM (0 1)'
    reader.send("DONE\r\n")
    assert reader.read_response("i")[-1].startswith(b"i OK")


def test_sort_update_places_new_messages(pair):
    """RFC 5267 §4.3.3: for SORT the context position is where the new result goes in the
    sort order."""
    reader, writer = pair
    lines = reader.command("S1", "UID SORT RETURN (UPDATE ALL) (SUBJECT) UTF-8 UNFLAGGED")
    assert lines[0] == b'* ESEARCH (TAG "S1") UID ALL 3,5,1'
    append_raw(writer, "w1", "INBOX", message("b2", 7))
    append_raw(writer, "w2", "INBOX", message("z", 8))
    lines = untagged(reader.command("n1", "NOOP"))
    assert lines[-1] == b'* ESEARCH (TAG "S1") UID ADDTO (3 6 5 7)', lines
    writer.command("w3", "UID STORE 5 +FLAGS.SILENT (\\Flagged)")
    lines = untagged(reader.command("n2", "NOOP"))
    assert lines[-1] == b'* ESEARCH (TAG "S1") UID REMOVEFROM (2 5)', lines


def test_cancelupdate_and_tag_reuse(pair):
    """RFC 5267 §4.3 (a tag in use by an UPDATE search is BAD) and §4.3.5 CANCELUPDATE."""
    reader, writer = pair
    reader.command("B01", "UID SEARCH RETURN (UPDATE COUNT) DELETED")
    assert reader.command("B01", "SORT RETURN (UPDATE) (DATE) UTF-8 FLAGGED")[-1].startswith(b"B01 BAD Tag reuse")
    assert reader.command("c1", 'CANCELUPDATE "B01"') == [b"c1 OK No further updates"]
    assert reader.command("c2", 'CANCELUPDATE "B01"')[-1].startswith(b"c2 NO")
    writer.command("w1", "STORE 1 +FLAGS.SILENT (\\Deleted)")
    assert untagged(reader.command("n1", "NOOP")) == [b"* 1 FETCH (FLAGS (\\Deleted))"]
    assert silent(reader)


def test_partial_search_and_fetch(pair):
    """RFC 9394 §3.1 (PARTIAL from either end, NIL past the end, not with ALL) and §3.3
    (UID FETCH ... (PARTIAL ...))."""
    reader, _ = pair
    assert reader.command("a", "UID SEARCH RETURN (PARTIAL -1:-2) ALL")[0] == b'* ESEARCH (TAG "a") UID PARTIAL (-1:-2 4:5)'
    assert reader.command("b", "SEARCH RETURN (PARTIAL 1:2 COUNT) UNFLAGGED")[0] == \
        b'* ESEARCH (TAG "b") PARTIAL (1:2 1,3) COUNT 3'
    assert reader.command("c", "SEARCH RETURN (PARTIAL 50:60) ALL")[0] == b'* ESEARCH (TAG "c") PARTIAL (50:60 NIL)'
    assert reader.command("d", "SEARCH RETURN (ALL PARTIAL 1:2) ALL")[-1].startswith(b"d BAD")
    lines = untagged(reader.command("e", "UID FETCH 1:* (FLAGS) (PARTIAL -1:-2)"))
    assert [int(re.search(rb"UID (\d+)", line).group(1)) for line in lines] == [4, 5]
    assert reader.command("f", "FETCH 1:* (FLAGS) (PARTIAL 1:2)")[-1].startswith(b"f BAD")


PROGRESS_CONFIG = """
[security]
password_iterations = 4096

[tuning]
fetch_page_size = 2
progress_interval = 0
"""


@pytest.fixture
def progress_server(tmp_path):
    from conftest import TernServer
    server = TernServer(tmp_path / "data", config_text=PROGRESS_CONFIG)
    server.add_user("alice", "secret-a")
    server.start()
    yield server
    server.stop()


def test_inprogress_reports_long_commands(progress_server):
    """RFC 9585 §4: `* OK [INPROGRESS ("tag" done total)]` while SEARCH, SORT, THREAD and FETCH
    run; the interval is set to 0 and pages to 2 messages so that five messages take long."""
    client = login_raw(progress_server)
    assert b" INPROGRESS" in untagged(client.command("c", "CAPABILITY"))[0]
    for index in range(5):
        append_raw(client, f"p{index}", "INBOX", message(f"s{index}", index + 1))
    client.command("s", "SELECT INBOX")
    for tag, command in [("a", "SEARCH BODY body"), ("b", "SORT (DATE) UTF-8 BODY body"),
                         ("t", "THREAD REFS UTF-8 BODY body")]:
        lines = client.command(tag, command)
        reports = [line for line in lines if b"INPROGRESS" in line]
        assert reports == [f'* OK [INPROGRESS ("{tag}" 2 5)] Still working'.encode(),
                           f'* OK [INPROGRESS ("{tag}" 4 5)] Still working'.encode()], lines
        assert lines[-1].startswith(f"{tag} OK".encode())
    lines = client.command("f", "FETCH 1:* (BODY.PEEK[TEXT])")
    reports = [line for line in lines if b"INPROGRESS" in line]
    assert reports == [b'* OK [INPROGRESS ("f" 2 5)] Still working', b'* OK [INPROGRESS ("f" 4 5)] Still working']
    assert lines[-1] == b"f OK FETCH completed"
    client.close()
