"""The data directory is private (README: Security): the database with every account's
SCRAM keys (RFC 5802 §5.1: StoredKey and ServerKey allow impersonating the server and a
dictionary attack on the password), its -wal and -shm files, the message blobs, the uploads
and the TLS key are created 0600, directories 0700, whatever the umask."""

import os
import stat

from conftest import TernServer, append_raw, login_raw


def modes(root):
    """{relative path: permission bits} of everything under `root`; directories end in /."""
    found = {}
    for directory, subdirectories, files in os.walk(root):
        for name in subdirectories:
            path = os.path.join(directory, name)
            found[os.path.relpath(path, root) + "/"] = stat.S_IMODE(os.lstat(path).st_mode)
        for name in files:
            path = os.path.join(directory, name)
            found[os.path.relpath(path, root)] = stat.S_IMODE(os.lstat(path).st_mode)
    return found


def test_store_files_are_private_even_with_umask_000(tmp_path, corpus):
    old = os.umask(0)  # inherited by every `tern` process started below
    try:
        s = TernServer(tmp_path / "data", config_text="")
        s.data_dir = tmp_path / "fresh" / "store"  # made by `tern`, not by this harness
        s.tern("cert", "self-signed")
        s.add_user("alice", "secret-a")
        s.start()
        client = login_raw(s)
        append_raw(client, "a", "INBOX", corpus[0])
        before_stop = modes(s.data_dir)
        s.stop()
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(s.data_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(s.data_dir.parent).st_mode) == 0o700
    for name in ("tern.sqlite", "tern.sqlite-wal", "tern.sqlite-shm"):
        assert before_stop.get(name) == 0o600, (name, oct(before_stop.get(name, 0)))
    assert before_stop["tls/key.pem"] == 0o600
    assert any(path.startswith("blobs/") for path in before_stop)
    for path, mode in before_stop.items():
        if path == "tls/cert.pem":
            assert mode == 0o644  # public by nature, but writable only by its owner
        elif path.endswith("/"):
            assert mode == 0o700, (path, oct(mode))
        else:
            assert mode == 0o600, (path, oct(mode))


def test_database_made_readable_by_an_older_version_is_tightened(tmp_path):
    """A data directory from before this fix had tern.sqlite 0644: opening the store makes it
    0600 (its -wal and -shm files get the database's mode from SQLite)."""
    s = TernServer(tmp_path / "data", config_text="")
    s.add_user("alice", "secret-a")
    database = s.data_dir / "tern.sqlite"
    os.chmod(database, 0o644)
    s.tern("user", "list")
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600
