"""Mailbox management end to end: CREATE, DELETE, RENAME (RFC 3501 §6.3.3–5), SUBSCRIBE,
UNSUBSCRIBE, LIST, LSUB (§6.3.6–9, CHILDREN RFC 3348), STATUS (§6.3.10), INBOX spelling and
modified UTF-7 names (§5.1, §5.1.3)."""

import re

import imapclient
import pytest

from conftest import STANDARD_MAILBOXES, append_raw, literal_after, login_raw


def names(lines, kind="LIST"):
    """{name: attributes} from `* LIST (attrs) "/" "name"` lines, leaving out the special-use
    mailboxes every new account starts with (tested in test_list_extended.py)."""
    result = {}
    for line in lines:
        match = re.match(rb'^\* ' + kind.encode() + rb' \(([^)]*)\) "/" "?([^"]*)"?$', line)
        if match and match.group(2).decode() not in STANDARD_MAILBOXES:
            result[match.group(2).decode()] = set(match.group(1).decode().split())
    return result


def list_all(client, reference='""', pattern="*"):
    lines = client.command("l", f"LIST {reference} {pattern}")
    assert lines[-1] == b"l OK LIST completed", lines
    return names(lines)


def ok(lines, tag):
    assert lines[-1].startswith(f"{tag} OK".encode()), lines
    return lines


# --- CREATE ------------------------------------------------------------------------------------

def test_create_makes_intermediate_levels(server):
    """RFC 3501 §6.3.3: creating `a/b/c` also creates the superior names `a` and `a/b`, which
    appear in LIST (and are selectable here), with \\HasChildren (RFC 3348)."""
    client = login_raw(server)
    ok(client.command("c", "CREATE a/b/c"), "c")
    listed = list_all(client)
    assert listed == {"INBOX": {"\\HasNoChildren"}, "a": {"\\HasChildren"},
                      "a/b": {"\\HasChildren"}, "a/b/c": {"\\HasNoChildren"}}
    for name in ("a", "a/b", "a/b/c"):
        ok(client.command("s", f"SELECT {name}"), "s")


def test_create_existing_name_fails(server):
    """RFC 3501 §6.3.3: CREATE of an existing name (INBOX in any case included) is NO."""
    client = login_raw(server)
    ok(client.command("a", "CREATE Work"), "a")
    assert re.match(rb"^b NO .+", client.command("b", "CREATE Work")[-1])
    assert re.match(rb"^c NO .+", client.command("c", "CREATE inbox")[-1])


def test_create_with_trailing_delimiter_creates_the_name(server):
    """RFC 3501 §6.3.3: a trailing hierarchy delimiter declares intent to create names under
    it; the mailbox is created without the delimiter."""
    client = login_raw(server)
    ok(client.command("a", "CREATE Projects/"), "a")
    assert "Projects" in list_all(client)
    ok(client.command("b", "CREATE Projects/x"), "b")
    assert list_all(client)["Projects"] == {"\\HasChildren"}


def test_imaplib_create_and_list(server):
    """RFC 3501 §6.3.3, §6.3.8 through imaplib."""
    lib = server.imap("alice", "secret-a")
    assert lib.create("Travel/2024")[0] == "OK"
    typ, data = lib.list()
    assert typ == "OK"
    assert b'(\\HasNoChildren) "/" "Travel/2024"' in data
    assert b'(\\HasChildren) "/" "Travel"' in data
    lib.logout()


# --- DELETE ------------------------------------------------------------------------------------

def test_delete_mailbox_removes_it_and_its_messages(server, corpus):
    """RFC 3501 §6.3.4: DELETE removes the mailbox; a new one of the same name is empty and
    has a new UIDVALIDITY (§2.3.1.1)."""
    client = login_raw(server)
    client.command("c", "CREATE Bin")
    append_raw(client, "p", "Bin", corpus[0])
    first = client.command("s", "STATUS Bin (MESSAGES UIDVALIDITY)")[0]
    ok(client.command("d", "DELETE Bin"), "d")
    assert "Bin" not in list_all(client)
    assert re.match(rb"^s NO .+", client.command("s", "SELECT Bin")[-1])
    client.command("c", "CREATE Bin")
    second = client.command("s", "STATUS Bin (MESSAGES UIDVALIDITY)")[0]
    assert b"MESSAGES 0" in second
    validity = lambda line: int(re.search(rb"UIDVALIDITY (\d+)", line).group(1))
    assert validity(first) != validity(second)


def test_delete_with_children_leaves_noselect_and_keeps_children(server, corpus):
    """RFC 3501 §6.3.4: deleting a mailbox that has inferior names removes its messages and
    makes it \\Noselect; the inferiors stay. A second DELETE of the \\Noselect name while it
    has inferiors fails; once they are gone it can be deleted."""
    client = login_raw(server)
    client.command("c", "CREATE foo/bar")
    append_raw(client, "p", "foo", corpus[0])
    append_raw(client, "q", "foo/bar", corpus[1])
    ok(client.command("d", "DELETE foo"), "d")
    listed = list_all(client)
    assert "\\Noselect" in listed["foo"] and "\\HasChildren" in listed["foo"]
    assert listed["foo/bar"] == {"\\HasNoChildren"}
    assert b"MESSAGES 1" in client.command("s", "STATUS foo/bar (MESSAGES)")[0]
    assert re.match(rb"^e NO .+", client.command("e", "DELETE foo")[-1])
    assert re.match(rb"^f NO .+", client.command("f", "STATUS foo (MESSAGES)")[-1])
    ok(client.command("g", "DELETE foo/bar"), "g")
    assert "foo/bar" not in list_all(client)
    # The childless \Noselect name (RFC 3501 §6.3.4 example: still listed) can now go.
    ok(client.command("h", "DELETE foo"), "h")
    assert list_all(client) == {"INBOX": {"\\HasNoChildren"}}


def test_create_over_noselect_name_makes_it_selectable(server):
    """RFC 3501 §6.3.3/§6.3.4: a \\Noselect name left by DELETE can be created again."""
    client = login_raw(server)
    client.command("c", "CREATE p/q")
    client.command("d", "DELETE p")
    ok(client.command("e", "CREATE p"), "e")
    assert "\\Noselect" not in list_all(client)["p"]
    ok(client.command("s", "SELECT p"), "s")


def test_delete_inbox_fails(server):
    """RFC 3501 §6.3.4: it is an error to attempt to delete INBOX, in any spelling."""
    client = login_raw(server)
    for tag, name in [("a", "INBOX"), ("b", "inbox"), ("c", '"InBox"')]:
        assert re.match(rb"^" + tag.encode() + rb" NO .+", client.command(tag, f"DELETE {name}")[-1])
    assert "INBOX" in list_all(client)


def test_delete_nonexistent_fails(server):
    """RFC 3501 §6.3.4: DELETE of a name that does not exist is NO."""
    client = login_raw(server)
    assert re.match(rb"^a NO .+", client.command("a", "DELETE Nothing")[-1])


def test_delete_selected_mailbox_ends_the_other_sessions_view(server, corpus):
    """RFC 2180 §3 (the mailbox of a session deleted by another): Tern tells the session
    with `* BYE` at its next command and closes it; the server and account go on."""
    a = login_raw(server)
    a.command("c", "CREATE Doomed")
    append_raw(a, "p", "Doomed", corpus[0])
    b = login_raw(server)
    ok(b.command("s", "SELECT Doomed"), "s")
    ok(a.command("d", "DELETE Doomed"), "d")
    b.send(b"f FETCH 1 (FLAGS)\r\n")
    line = b.readline()
    assert re.match(rb"^\* BYE .+", line), line
    assert b.closed()
    assert not any(l.startswith(b"f OK") for l in b.buffer.split(b"\r\n"))
    assert "Doomed" not in list_all(a)
    assert a.command("n", "NOOP")[-1] == b"n OK NOOP completed"


# --- RENAME ------------------------------------------------------------------------------------

def test_rename_moves_the_subtree(server, corpus):
    """RFC 3501 §6.3.5: renaming a mailbox renames its inferior names too, keeps messages and
    UIDVALIDITY, and creates missing superiors of the new name."""
    client = login_raw(server)
    client.command("c", "CREATE a/b/c")
    append_raw(client, "p", "a/b", corpus[0])
    before = client.command("s", "STATUS a/b (MESSAGES UIDVALIDITY)")[0]
    ok(client.command("r", "RENAME a x/y"), "r")
    listed = list_all(client)
    assert not any(name == "a" or name.startswith("a/") for name in listed)
    assert {"x", "x/y", "x/y/b", "x/y/b/c"} <= set(listed)
    after = client.command("s", "STATUS x/y/b (MESSAGES UIDVALIDITY)")[0]
    assert before.split(b"(")[1] == after.split(b"(")[1]


def test_rename_inbox_moves_messages_and_leaves_inbox_empty(server, corpus):
    """RFC 3501 §6.3.5: renaming INBOX moves all its messages to the new name and leaves INBOX
    empty; INBOX's inferior names are not renamed."""
    client = login_raw(server)
    for i in range(3):
        append_raw(client, f"p{i}", "INBOX", corpus[i], flags="\\Flagged")
    client.command("c", "CREATE INBOX/Child")
    ok(client.command("r", "RENAME INBOX Old-Inbox"), "r")
    assert b"MESSAGES 0" in client.command("s", "STATUS INBOX (MESSAGES)")[0]
    assert b"MESSAGES 3" in client.command("t", "STATUS Old-Inbox (MESSAGES)")[0]
    listed = list_all(client)
    assert "INBOX/Child" in listed and "Old-Inbox/Child" not in listed
    client.command("x", "SELECT Old-Inbox")
    lines = client.command("f", "FETCH 1:3 (FLAGS BODY.PEEK[])")
    for i in range(3):
        assert literal_after(lines[i], "BODY[]") == corpus[i]
        assert b"FLAGS (\\Flagged" in lines[i]
    # INBOX is still usable.
    assert append_raw(client, "q", "INBOX", corpus[5])[-1].startswith(b"q OK")


def test_rename_onto_existing_name_fails(server):
    """RFC 3501 §6.3.5: renaming to an existing name is an error."""
    client = login_raw(server)
    client.command("a", "CREATE One")
    client.command("b", "CREATE Two")
    assert re.match(rb"^c NO .+", client.command("c", "RENAME One Two")[-1])
    assert re.match(rb"^d NO .+", client.command("d", "RENAME One INBOX")[-1])
    assert {"One", "Two"} <= set(list_all(client))


def test_rename_into_itself_fails(server):
    """RFC 3501 §6.3.5 (and RFC 9051 §6.3.6): a mailbox cannot be renamed to one of its own
    inferiors."""
    client = login_raw(server)
    client.command("a", "CREATE Top")
    assert re.match(rb"^b NO .+", client.command("b", "RENAME Top Top/Sub")[-1])
    assert list_all(client)["Top"] == {"\\HasNoChildren"}


def test_rename_nonexistent_fails(server):
    """RFC 3501 §6.3.5: renaming a name that does not exist is an error."""
    client = login_raw(server)
    assert re.match(rb"^a NO .+", client.command("a", "RENAME Ghost Spirit")[-1])
    assert "Spirit" not in list_all(client)


def test_rename_with_imapclient(server):
    """RFC 3501 §6.3.5 through imapclient's rename_folder."""
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    client.create_folder("Notes")
    client.rename_folder("Notes", "Brouillons")
    folders = {name for _, _, name in client.list_folders()}
    assert "Brouillons" in folders and "Notes" not in folders
    client.logout()


# --- INBOX and names ---------------------------------------------------------------------------

def test_inbox_is_case_insensitive_also_as_a_superior(server, corpus):
    """RFC 3501 §5.1: INBOX is case-insensitive, also as the first level of a hierarchical
    name: `Inbox/Sub` is created under INBOX and reached by any spelling."""
    client = login_raw(server)
    append_raw(client, "p", "inbox", corpus[0])
    assert b"* 1 EXISTS" in client.command("s", "select inbox")
    ok(client.command("c", "CREATE Inbox/Sub"), "c")
    listed = list_all(client)
    assert "INBOX/Sub" in listed and listed["INBOX"] == {"\\HasChildren"}
    assert not any(name.startswith("Inbox") for name in listed)
    ok(client.command("t", "SELECT inbox/Sub"), "t")
    ok(client.command("u", "STATUS INBOX/Sub (MESSAGES)"), "u")
    assert "INBOX/Sub" in names(client.command("l", 'LIST "" inbox/%'))


def test_other_names_are_case_sensitive(server):
    """RFC 3501 §5.1: names other than INBOX are case-sensitive here: `Work` and `work` are
    two mailboxes."""
    client = login_raw(server)
    ok(client.command("a", "CREATE Work"), "a")
    ok(client.command("b", "CREATE work"), "b")
    assert {"Work", "work"} <= set(list_all(client))


def test_modified_utf7_name_round_trips(server):
    """RFC 3501 §5.1.3: a name in modified UTF-7 is created and listed back in the same
    spelling (here 日本語)."""
    client = login_raw(server)
    ok(client.command("c", "CREATE &ZeVnLIqe-"), "c")
    ok(client.command("d", "CREATE &ZeVnLIqe-/Caf&AOk-"), "d")
    listed = list_all(client)
    assert listed["&ZeVnLIqe-"] == {"\\HasChildren"}
    assert listed["&ZeVnLIqe-/Caf&AOk-"] == {"\\HasNoChildren"}
    ok(client.command("s", "SELECT &ZeVnLIqe-/Caf&AOk-"), "s")
    assert client.command("t", "STATUS &ZeVnLIqe- (MESSAGES)")[0] == b'* STATUS "&ZeVnLIqe-" (MESSAGES 0)'
    # A literal `&` is `&-` in modified UTF-7.
    ok(client.command("e", "CREATE Tom&-Jerry"), "e")
    assert "Tom&-Jerry" in list_all(client)


def test_imapclient_decodes_folder_names(server):
    """RFC 3501 §5.1.3 through imapclient, which encodes and decodes modified UTF-7."""
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    client.create_folder("日本語")
    client.create_folder("Réunions/Été 2024")
    folders = {name: flags for flags, _, name in client.list_folders()}
    assert "日本語" in folders and "Réunions/Été 2024" in folders
    assert client.select_folder("Réunions/Été 2024")[b"EXISTS"] == 0
    assert client.folder_status("日本語", ["MESSAGES"])[b"MESSAGES"] == 0
    client.logout()
    raw = login_raw(server)
    assert "&ZeVnLIqe-" in list_all(raw)
    assert "R&AOk-unions/&AMk-t&AOk- 2024" in list_all(raw)


# --- SUBSCRIBE, UNSUBSCRIBE, LSUB --------------------------------------------------------------

def test_subscribe_lsub_unsubscribe(server):
    """RFC 3501 §6.3.6, §6.3.7, §6.3.9: SUBSCRIBE adds a name to the subscription list, LSUB
    lists it, UNSUBSCRIBE removes it."""
    client = login_raw(server)
    client.command("c", "CREATE News")
    client.command("d", "CREATE Lists")
    assert names(client.command("a", 'LSUB "" *'), "LSUB") == {"INBOX": set()}
    ok(client.command("v", "UNSUBSCRIBE INBOX"), "v")
    assert names(client.command("a", 'LSUB "" *'), "LSUB") == {}
    ok(client.command("s", "SUBSCRIBE News"), "s")
    ok(client.command("t", "SUBSCRIBE INBOX"), "t")
    assert set(names(client.command("a", 'LSUB "" *'), "LSUB")) == {"News", "INBOX"}
    ok(client.command("u", "UNSUBSCRIBE News"), "u")
    assert set(names(client.command("a", 'LSUB "" *'), "LSUB")) == {"INBOX"}


def test_subscription_survives_delete(server):
    """RFC 3501 §6.3.6: the server must not remove a name from the subscriptions when the
    mailbox is deleted."""
    client = login_raw(server)
    client.command("c", "CREATE Tmp")
    client.command("s", "SUBSCRIBE Tmp")
    client.command("d", "DELETE Tmp")
    assert "Tmp" in names(client.command("a", 'LSUB "" *'), "LSUB")


def test_lsub_percent_lists_unsubscribed_superior_as_noselect(server):
    """RFC 3501 §6.3.9: with `a/b` subscribed and `a` not, `LSUB "" %` returns `a` with
    \\Noselect; `LSUB "" *` returns only `a/b`."""
    client = login_raw(server)
    client.command("c", "CREATE a/b")
    client.command("s", "SUBSCRIBE a/b")
    client.command("u", "UNSUBSCRIBE INBOX")
    assert names(client.command("l", 'LSUB "" %'), "LSUB") == {"a": {"\\Noselect"}}
    assert set(names(client.command("l", 'LSUB "" *'), "LSUB")) == {"a/b"}
    assert set(names(client.command("l", 'LSUB "a/" %'), "LSUB")) == {"a/b"}
    # Once `a` is subscribed itself it is listed without \Noselect.
    client.command("t", "SUBSCRIBE a")
    lsub = names(client.command("l", 'LSUB "" %'), "LSUB")
    assert set(lsub) == {"a"} and "\\Noselect" not in lsub["a"]


def test_imapclient_subscriptions(server):
    """RFC 3501 §6.3.6–9 through imapclient."""
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    client.create_folder("Alpha")
    client.create_folder("Beta")
    client.subscribe_folder("Alpha")
    subscribed = [name for _, _, name in client.list_sub_folders() if name not in STANDARD_MAILBOXES]
    assert subscribed == ["INBOX", "Alpha"] or sorted(subscribed) == ["Alpha", "INBOX"]
    client.unsubscribe_folder("Alpha")
    assert [name for _, _, name in client.list_sub_folders() if name not in STANDARD_MAILBOXES] == ["INBOX"]
    client.logout()


# --- LIST --------------------------------------------------------------------------------------

@pytest.fixture
def tree(server):
    client = login_raw(server)
    for name in ("Records/2023/Q1", "Records/2024", "Work", "Work/Clients/Acme"):
        ok(client.command("c", f"CREATE {name}"), "c")
    return client


def test_list_star_and_percent(tree):
    """RFC 3501 §6.3.8: `*` matches any characters including the delimiter, `%` matches
    without it."""
    assert set(list_all(tree, '""', "*")) == {"INBOX", "Records", "Records/2023", "Records/2023/Q1",
                                              "Records/2024", "Work", "Work/Clients", "Work/Clients/Acme"}
    assert set(list_all(tree, '""', "%")) == {"INBOX", "Records", "Work"}
    assert set(list_all(tree, '""', "Records/%")) == {"Records/2023", "Records/2024"}
    assert set(list_all(tree, '""', "Records/*")) == {"Records/2023", "Records/2023/Q1", "Records/2024"}
    assert set(list_all(tree, '""', "%/%")) == {"Records/2023", "Records/2024", "Work/Clients"}
    assert set(list_all(tree, '""', "*/Acme")) == {"Work/Clients/Acme"}
    assert set(list_all(tree, '""', "W*")) == {"Work", "Work/Clients", "Work/Clients/Acme"}
    assert set(list_all(tree, '""', "Rec%")) == {"Records"}
    assert list_all(tree, '""', "Nothing*") == {}


def test_list_with_reference(tree):
    """RFC 3501 §6.3.8: the pattern is interpreted relative to the reference, and the names
    come back in full."""
    assert set(list_all(tree, "Records/", "%")) == {"Records/2023", "Records/2024"}
    assert set(list_all(tree, "Records/", "*")) == {"Records/2023", "Records/2023/Q1", "Records/2024"}
    assert set(list_all(tree, "Work/", "%/Acme")) == {"Work/Clients/Acme"}
    assert set(list_all(tree, '"Work/Clients/"', "Acme")) == {"Work/Clients/Acme"}


def test_list_empty_pattern_returns_delimiter(tree):
    """RFC 3501 §6.3.8: `LIST "" ""` returns the hierarchy delimiter and the root, with
    \\Noselect."""
    lines = tree.command("d", 'LIST "" ""')
    assert lines == [b'* LIST (\\Noselect) "/" ""', b"d OK LIST completed"]


def test_list_children_attributes(tree):
    """RFC 3348 §4: \\HasChildren on a name with inferiors, \\HasNoChildren otherwise."""
    listed = list_all(tree)
    for name in ("Records", "Records/2023", "Work", "Work/Clients"):
        assert listed[name] == {"\\HasChildren"}, name
    for name in ("INBOX", "Records/2023/Q1", "Records/2024", "Work/Clients/Acme"):
        assert listed[name] == {"\\HasNoChildren"}, name
    tree.command("d", "DELETE Records/2023/Q1")
    assert list_all(tree)["Records/2023"] == {"\\HasNoChildren"}


def test_list_with_imaplib_and_imapclient(tree, server):
    """RFC 3501 §6.3.8 through the client libraries, with directory and pattern arguments."""
    lib = server.imap("alice", "secret-a")
    typ, data = lib.list("Records/", "%")
    assert typ == "OK" and sorted(data) == [b'(\\HasChildren) "/" "Records/2023"',
                                            b'(\\HasNoChildren) "/" "Records/2024"']
    lib.logout()
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    folders = client.list_folders(directory="Work/", pattern="*")
    assert sorted(name for _, _, name in folders) == ["Work/Clients", "Work/Clients/Acme"]
    assert all(delimiter == b"/" for _, delimiter, _ in folders)
    client.logout()


# --- STATUS ------------------------------------------------------------------------------------

def test_status_reports_every_item(server, corpus):
    """RFC 3501 §6.3.10: MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN; RFC 9051 §6.3.11:
    DELETED and SIZE; RFC 7162 §3.1.10: HIGHESTMODSEQ."""
    client = login_raw(server)
    client.command("c", "CREATE Box")
    sizes = 0
    for i, flags in enumerate(["\\Seen", None, "\\Deleted", "\\Seen \\Deleted", None]):
        append_raw(client, f"p{i}", "Box", corpus[i], flags=flags)
        sizes += len(corpus[i])
    lines = client.command("s", "STATUS Box (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ)")
    assert lines[-1] == b"s OK STATUS completed"
    match = re.match(rb'^\* STATUS "?Box"? \(MESSAGES 5 RECENT 5 UIDNEXT 6 UIDVALIDITY (\d+) UNSEEN 3 '
                     rb'DELETED 2 SIZE (\d+) HIGHESTMODSEQ (\d+)\)$', lines[0])
    assert match, lines[0]
    assert int(match.group(2)) == sizes
    # The counters follow changes; RECENT drops once a session has selected the mailbox.
    client.command("x", "SELECT Box")
    client.command("y", "STORE 2 +FLAGS (\\Seen)")
    client.command("z", "CLOSE")
    line = client.command("s", "STATUS Box (MESSAGES RECENT UNSEEN DELETED)")[0]
    assert re.match(rb'^\* STATUS "?Box"? \(MESSAGES 3 RECENT 0 UNSEEN 1 DELETED 0\)$', line), line


def test_status_items_in_requested_order_only(server):
    """RFC 3501 §7.2.4: STATUS returns the requested items."""
    client = login_raw(server)
    line = client.command("s", "STATUS INBOX (UNSEEN MESSAGES)")[0]
    assert line == b'* STATUS "INBOX" (UNSEEN 0 MESSAGES 0)' or line == b"* STATUS INBOX (UNSEEN 0 MESSAGES 0)"


def test_status_nonexistent_mailbox_is_no(server):
    """RFC 3501 §6.3.10: STATUS of a mailbox that does not exist is NO, with no STATUS data."""
    client = login_raw(server)
    lines = client.command("s", "STATUS Nope (MESSAGES)")
    assert len(lines) == 1 and re.match(rb"^s NO .+", lines[0])


def test_status_with_imaplib_and_imapclient(server, corpus):
    """RFC 3501 §6.3.10 through the client libraries."""
    lib = server.imap("alice", "secret-a")
    lib.append("INBOX", "(\\Seen)", None, corpus[0])
    lib.append("INBOX", None, None, corpus[1])
    typ, data = lib.status("INBOX", "(MESSAGES UNSEEN)")
    assert typ == "OK" and re.search(rb"\(MESSAGES 2 UNSEEN 1\)", data[0])
    lib.logout()
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    status = client.folder_status("INBOX", ["MESSAGES", "UIDNEXT", "UIDVALIDITY", "RECENT", "UNSEEN"])
    assert status[b"MESSAGES"] == 2 and status[b"UIDNEXT"] == 3 and status[b"UNSEEN"] == 1
    assert status[b"RECENT"] == 2 and status[b"UIDVALIDITY"] > 0
    client.logout()
