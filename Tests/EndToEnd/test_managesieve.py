"""ManageSieve (RFC 5804) with real clients: Debian's `sieve-connect` over STARTTLS and PyPI's
`managesieve` library upload, list, activate, download, rename and delete scripts, check a
script with an error, ask HAVESPACE and meet the quotas (`[managesieve] max_scripts`,
`max_script_size`)."""

import subprocess

import managesieve
import pytest

from conftest import TEST_CONFIG
from managesieve_wire import make_sieve_server

SCRIPT = 'require ["fileinto"];\r\nif header :contains "subject" "[list]" {\r\n  fileinto "Lists";\r\n}\r\n'


@pytest.fixture
def tls_sieve(tmp_path):
    server = make_sieve_server(tmp_path, tls=True)
    yield server
    server.stop()


def sieve_connect(server, *args, password="secret-a", user="alice", input=None):
    """Runs sieve-connect against the server (STARTTLS, the self-signed certificate accepted)."""
    read, write = __import__("os").pipe()
    __import__("os").write(write, (password + "\n").encode())
    __import__("os").close(write)
    try:
        return subprocess.run(
            ["sieve-connect", "-s", "127.0.0.1", "-p", str(server.sieve_port), "-u", user,
             "--passwordfd", str(read), "--notlsverify", *args],
            pass_fds=(read,), capture_output=True, text=True, timeout=60, input=input)
    finally:
        __import__("os").close(read)


def test_sieve_connect_uploads_lists_activates_downloads_and_deletes(tls_sieve, tmp_path):
    local = tmp_path / "filter.sieve"
    local.write_bytes(SCRIPT.encode())
    done = sieve_connect(tls_sieve, "--upload", "--localsieve", str(local), "--remotesieve", "filter")
    assert done.returncode == 0, done.stderr
    assert sieve_connect(tls_sieve, "--activate", "--remotesieve", "filter").returncode == 0
    listing = sieve_connect(tls_sieve, "--list")
    assert listing.returncode == 0 and listing.stdout.split("\n")[0] == '"filter" ACTIVE', listing.stdout
    copy = tmp_path / "copy.sieve"
    assert sieve_connect(tls_sieve, "--download", "--remotesieve", "filter", "--localsieve", str(copy)).returncode == 0
    assert copy.read_bytes() == SCRIPT.encode(), "GETSCRIPT gives back the octets stored"
    refused = sieve_connect(tls_sieve, "--delete", "--remotesieve", "filter")
    assert refused.returncode != 0, "the active script cannot be deleted (RFC 5804 §2.10)"
    assert sieve_connect(tls_sieve, "--deactivate").returncode == 0
    assert sieve_connect(tls_sieve, "--delete", "--remotesieve", "filter").returncode == 0
    assert sieve_connect(tls_sieve, "--list").stdout.strip() == ""
    # The store is what the administrator sees too.
    assert tls_sieve.tern("sieve", "list", "alice").stdout == ""


def test_sieve_connect_checkscript_reports_the_line_of_the_error(tls_sieve, tmp_path):
    bad = tmp_path / "bad.sieve"
    bad.write_text("keep;\nif header :is \"subject\" \"x\" {\n  frobnicate;\n}\n")
    checked = sieve_connect(tls_sieve, "--checkscript", "--localsieve", str(bad))
    assert checked.returncode != 0
    assert "line 3" in checked.stderr + checked.stdout and "frobnicate" in checked.stderr + checked.stdout
    refused = sieve_connect(tls_sieve, "--upload", "--localsieve", str(bad), "--remotesieve", "bad")
    assert refused.returncode != 0, "a script that does not compile is not stored (RFC 5804 §2.6)"
    assert tls_sieve.tern("sieve", "list", "alice").stdout == ""


def test_python_managesieve_client_rename_havespace_and_quotas(tmp_path):
    config = TEST_CONFIG + "\n[managesieve]\nmax_scripts = 2\nmax_script_size = 200\n"
    server = make_sieve_server(tmp_path, config_text=config, tls=True)
    try:
        client = managesieve.MANAGESIEVE("127.0.0.1", server.sieve_port, use_tls=True, tls_verify=False)
        assert "SCRAM-SHA-256" in client.loginmechs and "PLAIN" in client.loginmechs
        assert {"fileinto", "vacation", "variables", "imap4flags"} <= set(client.capabilities)
        assert client.login("", "alice", "secret-a") == "OK"
        assert client.havespace("one", 200) == "OK"
        assert client.havespace("one", 201) == "NO" and client.response_code == "QUOTA/MAXSIZE"
        assert client.putscript("one", "keep;\r\n") == "OK"
        assert client.putscript("two", "discard;\r\n") == "OK"
        assert client.havespace("three", 10) == "NO" and client.response_code == "QUOTA/MAXSCRIPTS"
        assert client.putscript("three", "keep;\r\n") == "NO" and client.response_code == "QUOTA/MAXSCRIPTS"
        assert client.havespace("two", 10) == "OK", "replacing a script adds none"
        assert client.putscript("two", "stop;\r\n") == "OK"
        assert client.putscript("big", "#" * 201) == "NO" and client.response_code == "QUOTA/MAXSIZE"
        assert client.setactive("one") == "OK"
        # The library has no RENAMESCRIPT (RFC 5804 §2.11): a raw session does it.
        raw = server.sieve()
        raw.starttls()
        assert raw.login().startswith(b"OK")
        assert raw.final('RENAMESCRIPT "one" "first"').startswith(b"OK")
        assert raw.final('RENAMESCRIPT "first" "two"').startswith(b"NO (ALREADYEXISTS)")
        assert raw.final('RENAMESCRIPT "nope" "x"').startswith(b"NO (NONEXISTENT)")
        raw.close()
        assert client.listscripts() == ("OK", [("first", True), ("two", False)]), "the active state moved"
        assert client.getscript("two") == ("OK", "stop;\r\n")
        assert client.getscript("nope")[0] == "NO" and client.response_code == "NONEXISTENT"
        assert client.deletescript("first") == "NO" and client.response_code == "ACTIVE"
        assert client.setactive("") == "OK"
        assert client.deletescript("first") == "OK"
        assert client.listscripts() == ("OK", [("two", False)])
        assert client.logout() == "OK"
    finally:
        server.stop()
