"""`tern sieve` (README: Filtering): an administrator's put/list/get/activate/delete/log of a
user's Sieve scripts, on the store a running server uses; scripts are compiled before they
are stored; what ManageSieve users see is the same. Also: a server shutdown says BYE to
ManageSieve sessions."""

import signal
import sqlite3

from conftest import TEST_CONFIG
from managesieve_wire import make_sieve_server

SCRIPT = b'require ["fileinto", "imap4flags"];\nif address :is "from" "boss@example.org" {\n  addflag "\\\\Flagged";\n}\n'


def test_put_list_get_activate_delete_on_a_running_server(tmp_path):
    server = make_sieve_server(tmp_path)
    try:
        (tmp_path / "vacation.sieve").write_bytes(b'require "vacation";\nvacation :days 7 "Away.";\n')
        (tmp_path / "main.sieve").write_bytes(SCRIPT)
        put = server.tern("sieve", "put", "alice", "main", str(tmp_path / "main.sieve"))
        assert put.stdout.strip() == "Stored script main of alice"
        server.tern("sieve", "put", "ALICE", "vacation", str(tmp_path / "vacation.sieve"))
        assert server.tern("sieve", "list", "alice").stdout == "main\nvacation\n"
        assert server.tern("sieve", "activate", "alice", "main").returncode == 0
        assert server.tern("sieve", "list", "alice").stdout == "main\tactive\nvacation\n"
        assert server.tern("sieve", "get", "alice", "main").stdout.encode() == SCRIPT

        # A ManageSieve session sees what the administrator did, and the other way round.
        wire = server.sieve()
        assert wire.login().startswith(b"OK")
        assert wire.command("LISTSCRIPTS")[0] == [b'"main" ACTIVE', b'"vacation"']
        assert wire.final('SETACTIVE "vacation"').startswith(b"OK")
        assert server.tern("sieve", "list", "alice").stdout == "main\nvacation\tactive\n"

        refused = server.tern("sieve", "delete", "alice", "vacation", check=False)
        assert refused.returncode != 0 and "is active" in refused.stderr
        assert server.tern("sieve", "activate", "alice", "--none").stdout.strip() == "No script of alice is active"
        assert server.tern("sieve", "delete", "alice", "vacation").returncode == 0
        assert server.tern("sieve", "list", "alice").stdout == "main\n"
        missing = server.tern("sieve", "get", "alice", "vacation", check=False)
        assert missing.returncode != 0 and "no script named vacation" in missing.stderr
    finally:
        server.stop()


def test_put_compiles_first_and_refuses_a_bad_script_with_its_error(tmp_path):
    server = make_sieve_server(tmp_path)
    try:
        (tmp_path / "bad.sieve").write_text('keep;\nfileinto "Junk";\n')
        bad = server.tern("sieve", "put", "alice", "bad", str(tmp_path / "bad.sieve"), check=False)
        assert bad.returncode != 0
        assert "line 2" in bad.stderr and "fileinto" in bad.stderr, bad.stderr
        assert server.tern("sieve", "list", "alice").stdout == ""
        stdin = server.tern("sieve", "put", "alice", "fromstdin", "-", input="discard;\n")
        assert stdin.returncode == 0
        assert server.tern("sieve", "get", "alice", "fromstdin").stdout == "discard;\n"
        nobody = server.tern("sieve", "list", "nobody", check=False)
        assert nobody.returncode != 0 and "no user nobody" in nobody.stderr
        badname = server.tern("sieve", "put", "alice", "a\tb", "-", input="keep;\n", check=False)
        assert badname.returncode != 0 and "invalid script name" in badname.stderr
        both = server.tern("sieve", "activate", "alice", "x", "--none", check=False)
        assert both.returncode != 0
    finally:
        server.stop()


def test_log_prints_the_users_filtering_log(tmp_path):
    """The log is written at delivery by the filter; here entries are put in the store's table
    directly (as the filter leaves them), and the command prints each user's own, oldest first."""
    server = make_sieve_server(tmp_path, users=(("alice", "secret-a"), ("bob", "secret-b")))
    try:
        assert server.tern("sieve", "log", "alice").stdout == ""
        with sqlite3.connect(server.data_dir / "tern.sqlite") as db:
            for date, text in [(1_700_000_000, "main: line 3: redirect limit"), (1_700_000_060, "main: kept in INBOX")]:
                db.execute("INSERT INTO sieve_log (user_id, date, text) "
                           "VALUES ((SELECT id FROM users WHERE name = 'alice'), ?, ?)", (date, text))
        assert server.tern("sieve", "log", "alice").stdout == (
            "2023-11-14T22:13:20Z main: line 3: redirect limit\n2023-11-14T22:14:20Z main: kept in INBOX\n")
        assert server.tern("sieve", "log", "bob").stdout == ""
    finally:
        server.stop()


def test_shutdown_says_bye_to_managesieve_sessions(tmp_path):
    server = make_sieve_server(tmp_path)
    wire = server.sieve()
    assert wire.login().startswith(b"OK")
    server.process.send_signal(signal.SIGTERM)
    assert wire.closed(timeout=10)
    assert b'BYE (TRYLATER) "Server shutting down"' in wire.buffer
    server.stop()
    assert server.process is None
