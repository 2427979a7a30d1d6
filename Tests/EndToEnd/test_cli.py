"""The `tern` command line end to end (README: Accounts, Configuration): user add/list/passwd/
delete against a running server, the first-start account, configuration errors, `--imap`,
the data-directory lock, and what the logs say (never a password)."""

import base64
import re
import signal
import subprocess
import time

import pytest

from conftest import TEST_CONFIG, TERN_BIN, RawClient, TernServer, free_port


def run_tern(*args, input=None, stdin=None, timeout=60):
    return subprocess.run([TERN_BIN, *args], input=input, stdin=stdin, capture_output=True, text=True,
                          timeout=timeout)


def can_login(port, user, password):
    client = RawClient(port)
    line = client.command("a", f"LOGIN {user} {password}")[-1]
    client.close()
    if line.startswith(b"a OK"):
        return True
    assert line.startswith(b"a NO [AUTHENTICATIONFAILED]"), line
    return False


def test_version_is_the_one_imap_id_gives(server):
    """`tern --version` prints the version IMAP ID (RFC 2971 §3.3 "version") reports."""
    result = run_tern("--version")
    assert result.returncode == 0 and re.fullmatch(r"\d+\.\d+\.\d+\n", result.stdout), result
    client = RawClient(server.port)
    line = client.command("i", "ID NIL")[0]
    client.close()
    assert f'"version" "{result.stdout.strip()}"'.encode() in line, line


# --- user add / list / passwd / delete ---------------------------------------------------------

def test_user_add_with_password_stdin_creates_a_working_account(server):
    """README (Accounts): `tern user add NAME --password-stdin` creates an account with an
    INBOX; it can log in at once, also while the server runs."""
    result = server.tern("user", "add", "carol", "--password-stdin", input="c4rol pass\n")
    assert result.returncode == 0 and "carol" in result.stdout
    assert can_login(server.port, "carol", '"c4rol pass"')
    client = RawClient(server.port)
    client.command("a", 'LOGIN carol "c4rol pass"')
    assert client.command("b", "SELECT INBOX")[-1].startswith(b"b OK")


def test_user_add_without_tty_or_flag_fails_clearly(server):
    """README (Accounts): without --password-stdin the password is asked on a terminal; with
    no terminal the command fails with a message saying what to do, and creates nothing."""
    result = subprocess.run(
        [TERN_BIN, "user", "add", "dave", "--data-dir", str(server.data_dir), "--config", str(server.config)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "--password-stdin" in result.stderr and "terminal" in result.stderr
    assert "dave" not in server.tern("user", "list").stdout.split()


def test_user_add_refuses_duplicates_in_any_case_and_bad_names(server):
    """README (Accounts): user names are case-insensitive, so `Alice` is `alice`; a name with
    characters outside letters, digits and `. _ - + @` is refused."""
    result = server.tern("user", "add", "Alice", "--password-stdin", input="x\n", check=False)
    assert result.returncode != 0 and "already exists" in result.stderr
    result = server.tern("user", "add", "bad name", "--password-stdin", input="x\n", check=False)
    assert result.returncode != 0 and "user name" in result.stderr
    result = server.tern("user", "add", "erin", "--password-stdin", input="", check=False)
    assert result.returncode != 0 and "password" in result.stderr


def plain_login(port, user, password):
    """AUTHENTICATE PLAIN (RFC 4616), which carries UTF-8 user names without quoting rules."""
    client = RawClient(port)
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
    line = client.command("a", f"AUTHENTICATE PLAIN {token}")[-1]
    client.close()
    return line


def test_user_names_are_normalised_with_precis(server):
    """README (Accounts), RFC 8265 §3.3 UsernameCaseMapped: a fullwidth ａｌｉｃｅ is alice
    (width mapping), so it cannot be added beside her and logs in as her; `ALİCE` lower-cases
    to `ali` + U+0307 + `ce` (Unicode toLowerCase), which Tern's name policy refuses as a
    look-alike; an account made as NFC `éve` logs in with an NFD `éve` (NFC), and the name is
    stored and listed in its canonical form."""
    fullwidth = "\uff41\uff4c\uff49\uff43\uff45"
    result = server.tern("user", "add", fullwidth, "--password-stdin", input="x\n", check=False)
    assert result.returncode != 0 and "already exists" in result.stderr
    result = server.tern("user", "add", "AL\u0130CE", "--password-stdin", input="x\n", check=False)
    assert result.returncode != 0 and "user name" in result.stderr
    for spaced in ("al ice", "ali\u00a0ce", "henry\u2163", "ali\u200bce"):
        result = server.tern("user", "add", spaced, "--password-stdin", input="x\n", check=False)
        assert result.returncode != 0 and "user name" in result.stderr, spaced
    assert plain_login(server.port, fullwidth, "secret-a").startswith(b"a OK")
    assert plain_login(server.port, "AL\u0130CE", "secret-a").startswith(b"a NO [AUTHENTICATIONFAILED]")

    server.tern("user", "add", "\u00c9ve", "--password-stdin", input="eve-pass\n")
    assert "\u00e9ve" in server.tern("user", "list").stdout.split()
    result = server.tern("user", "add", "e\u0301ve", "--password-stdin", input="x\n", check=False)
    assert result.returncode != 0 and "already exists" in result.stderr
    assert plain_login(server.port, "e\u0301ve", "eve-pass").startswith(b"a OK")
    assert plain_login(server.port, "\u00e9ve", "eve-pass").startswith(b"a OK")
    assert plain_login(server.port, "\uff25\u0301ve", "eve-pass").startswith(b"a OK")  # fullwidth E + accent
    assert server.tern("user", "passwd", "E\u0301VE", "--password-stdin", input="new\n").returncode == 0
    assert plain_login(server.port, "\u00e9ve", "new").startswith(b"a OK")


def test_user_list_lists_every_account(server):
    """README (Accounts): `tern user list` prints one account per line."""
    server.tern("user", "add", "Zed@example.org", "--password-stdin", input="z\n")
    result = server.tern("user", "list")
    assert sorted(result.stdout.split()) == ["alice", "bob", "zed@example.org"]


def test_user_passwd_while_server_runs(server):
    """README (Accounts): `tern user passwd` changes the password while the server runs: the
    old password stops working at once (even just after a successful login), the new one
    works, and sessions already logged in are not affected."""
    assert can_login(server.port, "alice", "secret-a")
    session = RawClient(server.port)
    session.command("a", "LOGIN alice secret-a")
    result = server.tern("user", "passwd", "ALICE", "--password-stdin", input="n3w-secret\n")
    assert result.returncode == 0
    assert not can_login(server.port, "alice", "secret-a")
    assert can_login(server.port, "alice", "n3w-secret")
    assert session.command("b", "SELECT INBOX")[-1].startswith(b"b OK")
    result = server.tern("user", "passwd", "nobody", "--password-stdin", input="x\n", check=False)
    assert result.returncode != 0 and "nobody" in result.stderr


def test_user_delete_while_server_runs(server):
    """README (Accounts): `tern user delete` removes the account and its mail; logging in then
    fails like any wrong login, and the other accounts are untouched."""
    client = RawClient(server.port)
    client.command("a", "LOGIN bob secret-b")
    client.send(b"b APPEND INBOX {13+}\r\nSubject: x\r\n\r\n\r\n")
    client.read_response("b")
    client.close()
    result = server.tern("user", "delete", "bob")
    assert result.returncode == 0
    assert not can_login(server.port, "bob", "secret-b")
    assert can_login(server.port, "alice", "secret-a")
    assert server.tern("user", "list").stdout.split() == ["alice"]
    result = server.tern("user", "delete", "bob", check=False)
    assert result.returncode != 0 and "bob" in result.stderr
    # The name can be used again, with a fresh, empty INBOX.
    server.add_user("bob", "other")
    client = RawClient(server.port)
    client.command("a", "LOGIN bob other")
    assert b"* 0 EXISTS" in client.command("b", "SELECT INBOX")


# --- serve -------------------------------------------------------------------------------------

def test_first_start_on_empty_data_dir_prints_working_credentials(tmp_path):
    """README (Quick start): the first start on an empty data directory creates one account
    and prints its user name and password once; they log in. A restart prints none."""
    server = TernServer(tmp_path / "fresh")
    server.start()
    try:
        printed = b""
        deadline = time.monotonic() + 20
        while b"password:" not in printed and time.monotonic() < deadline:
            printed += server.process.stdout.readline()
        user = re.search(rb"user:\s+(\S+)", printed).group(1).decode()
        password = re.search(rb"password:\s+(\S+)", printed).group(1).decode()
        assert len(password) >= 16
        assert can_login(server.port, user, password)
        assert not can_login(server.port, user, password + "x")
    finally:
        server.stop()
    first_run = len(server.stdout)
    server.start()
    server.stop()
    second_run = server.stdout[first_run:]
    assert b"Tern is serving" in second_run
    assert b"password" not in second_run and b"Created" not in second_run


@pytest.mark.parametrize("config, named", [
    ("[limits]\nmax_conections = 3\n", "limits.max_conections"),
    ("colour = \"blue\"\n", "colour"),
    ("[limits]\nmax_connections = \"many\"\n", "limits.max_connections"),
    ("[limits]\nidle_timeout = -5\n", "limits.idle_timeout"),
    ("[imap]\nlisten = \"nonsense\"\n", "imap.listen"),
    ("log_level = \"loud\"\n", "log_level"),
    ("[security]\npassword_iterations = 0\n", "security.password_iterations"),
    ("[limits\n", ":1"),
])
def test_bad_configuration_fails_with_a_message_naming_it(tmp_path, config, named):
    """README (Configuration): an unknown key or a bad value stops `tern serve` (and the other
    subcommands) with a message that names the key; nothing starts listening."""
    path = tmp_path / "bad.toml"
    path.write_text(config)
    port = free_port()
    result = run_tern("serve", "--data-dir", str(tmp_path / "d"), "--config", str(path),
                      "--imap", f"127.0.0.1:{port}", timeout=30)
    assert result.returncode != 0
    assert named in result.stderr, result.stderr
    result = run_tern("user", "list", "--data-dir", str(tmp_path / "d"), "--config", str(path))
    assert result.returncode != 0 and named in result.stderr


def test_imap_option_overrides_the_configured_address(tmp_path):
    """README (Configuration): `--imap HOST:PORT` overrides `[imap] listen`; a malformed value
    is refused with a message."""
    configured, chosen = free_port(), free_port()
    config = tmp_path / "c.toml"
    config.write_text(TEST_CONFIG + f'\n[imap]\nlisten = "127.0.0.1:{configured}"\n')
    data = tmp_path / "d"
    assert run_tern("user", "add", "alice", "--password-stdin", "--data-dir", str(data), "--config", str(config),
                    input="pw\n").returncode == 0
    process = subprocess.Popen([TERN_BIN, "serve", "--data-dir", str(data), "--config", str(config),
                                "--imap", f"127.0.0.1:{chosen}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = process.stdout.readline()
        assert f"127.0.0.1:{chosen}".encode() in line, line
        assert can_login(chosen, "alice", "pw")
        with pytest.raises(OSError):
            RawClient(configured, timeout=2)
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert process.returncode == 0
    result = run_tern("serve", "--data-dir", str(data), "--config", str(config), "--imap", "no-port-here")
    assert result.returncode != 0 and "--imap" in result.stderr
    # Without --imap the configured address is used.
    process = subprocess.Popen([TERN_BIN, "serve", "--data-dir", str(data), "--config", str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert f"127.0.0.1:{configured}".encode() in process.stdout.readline()
        assert can_login(configured, "alice", "pw")
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)


def test_second_server_on_the_same_data_dir_refuses_to_start(server):
    """README (Configuration) / DESIGN.md: two servers must not share a store: a second
    `tern serve` on the same data directory exits with a message; the first keeps serving."""
    result = subprocess.run([TERN_BIN, "serve", "--data-dir", str(server.data_dir), "--config", str(server.config),
                             "--imap", f"127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "another tern server" in result.stderr and str(server.data_dir) in result.stderr
    assert can_login(server.port, "alice", "secret-a")


def test_logs_record_connections_and_logins_but_never_passwords(server):
    """README (Configuration): standard error has a line per connection opened and closed and
    per login result; no password appears, in any form the client sent it."""
    passwords = ["secret-a", "Wr0ng-Passw0rd!", "pl41n-S3cret"]
    server.add_user("frank", passwords[2])
    ok = RawClient(server.port)
    ok.command("a", f"LOGIN alice {passwords[0]}")
    ok.command("b", "LOGOUT")
    bad = RawClient(server.port)
    bad.command("a", f"LOGIN alice {passwords[1]}")
    bad.command("b", f"LOGIN nosuchuser {passwords[1]}")
    plain = base64.b64encode(f"\0frank\0{passwords[2]}".encode()).decode()
    bad.command("c", f"AUTHENTICATE PLAIN {plain}")
    bad.close()
    time.sleep(0.3)
    server.stop()
    log = server.stderr.decode()
    lines = log.splitlines()
    opened = [l for l in lines if "connection opened" in l]
    closed = [l for l in lines if "connection closed" in l]
    assert len(opened) >= 3 and len(closed) == len(opened), log
    ids = {re.search(r"connection=(\d+)", l).group(1) for l in opened}
    assert ids == {re.search(r"connection=(\d+)", l).group(1) for l in closed}
    assert any("login succeeded" in l and 'user="alice"' in l for l in lines)
    assert any("login succeeded" in l and 'user="frank"' in l for l in lines)
    failed = [l for l in lines if "login failed" in l]
    assert len(failed) == 2 and any("nosuchuser" in l for l in failed)
    for secret in passwords + [plain]:
        assert secret not in log, f"the log contains {secret!r}"
        assert secret not in server.stdout.decode()


def test_passwords_are_stored_only_as_scram_keys(server):
    """No file of the data directory (database, its WAL, anything else) holds a password in
    any form a client sends it: only PBKDF2-derived SCRAM keys are kept (RFC 5802 §3)."""
    server.tern("user", "passwd", "alice", "--password-stdin", input="n3w-S3cret-pw\n")
    assert can_login(server.port, "alice", "n3w-S3cret-pw")
    secrets = [b"n3w-S3cret-pw", b"secret-a", b"secret-b", base64.b64encode(b"n3w-S3cret-pw")]
    files = [path for path in server.data_dir.rglob("*") if path.is_file()]
    assert any(path.name.endswith(".sqlite") or ".sqlite" in path.name for path in files), files
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret not in content, f"{path} contains {secret!r}"
