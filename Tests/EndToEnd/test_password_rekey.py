"""PBKDF2 iteration counts of stored SCRAM-SHA-256 keys (RFC 7677 §4, RFC 5802 §5.1 `i=`):
new passwords get 4,096 rounds by default (the RFC's minimum, what Dovecot and Cyrus use, and
below the 65,536 that Cyrus SASL clients accept), and an account stored with another count
is re-keyed at its next successful plaintext login, after which SCRAM announces the new count."""

from conftest import TernServer
from test_scram import ScramClient, plain_connection, scram_login

OLD_DEFAULT = """
[security]
password_iterations = 210000
"""


def scram_iterations(server, user, password):
    """Runs a SCRAM-SHA-256 exchange; returns its tagged answer and the announced `i=`."""
    lines = plain_connection(server)
    client = ScramClient(user, password)
    answer, _ = scram_login(lines, client)
    lines.command("z", "LOGOUT")
    return answer, client.iterations


def test_default_iteration_count_is_4096(tmp_path):
    """RFC 7677 §4: at least 4096; a configuration without password_iterations stores 4,096."""
    s = TernServer(tmp_path / "data", config_text="")
    s.add_user("alice", "secret-a")
    s.start()
    try:
        answer, iterations = scram_iterations(s, "alice", "secret-a")
        assert answer.startswith(b"a OK") and iterations == 4096
        # An unknown user's decoy announces the same count (RFC 9051 §6.2.3: no hint).
        answer, decoy_iterations = scram_iterations(s, "nobody", "secret-a")
        assert answer.startswith(b"a NO [AUTHENTICATIONFAILED]") and decoy_iterations == 4096
    finally:
        s.stop()


def test_account_with_210000_rounds_is_rekeyed_at_login(tmp_path):
    """An account made when the default was 210,000 rounds: SCRAM announces 210,000 (which
    Cyrus SASL refuses) until a LOGIN re-keys it; then SCRAM works with 4,096, and the
    password is still the same for LOGIN."""
    old = TernServer(tmp_path / "data", config_text=OLD_DEFAULT)
    old.add_user("alice", "secret-a")
    s = TernServer(tmp_path / "data", config_text="")
    s.start()
    try:
        answer, iterations = scram_iterations(s, "alice", "secret-a")
        assert answer.startswith(b"a OK") and iterations == 210000
        client = s.imap("alice", "secret-a")
        client.logout()
        answer, iterations = scram_iterations(s, "alice", "secret-a")
        assert answer.startswith(b"a OK"), answer
        assert iterations == 4096
        answer, _ = scram_iterations(s, "alice", "wrong")
        assert answer.startswith(b"a NO [AUTHENTICATIONFAILED]")
        client = s.imap("alice", "secret-a")
        client.logout()
    finally:
        s.stop()
    rekeyed = [line for line in s.stderr.splitlines() if b"password re-keyed" in line]
    assert len(rekeyed) == 1 and b"from=210000" in rekeyed[0] and b"to=4096" in rekeyed[0], rekeyed


def test_failed_login_does_not_rekey(tmp_path):
    old = TernServer(tmp_path / "data", config_text=OLD_DEFAULT)
    old.add_user("alice", "secret-a")
    s = TernServer(tmp_path / "data", config_text="[security]\nlogin_failure_delay = 0\n")
    s.start()
    try:
        raw = s.raw()
        assert raw.command("a", "LOGIN alice wrong")[-1].startswith(b"a NO")
        _, iterations = scram_iterations(s, "alice", "secret-a")
        assert iterations == 210000
    finally:
        s.stop()


def test_iteration_count_below_4096_is_refused(tmp_path):
    s = TernServer(tmp_path / "data", config_text="[security]\npassword_iterations = 1000\n")
    result = s.tern("user", "list", check=False)
    assert result.returncode != 0 and "security.password_iterations" in result.stderr
