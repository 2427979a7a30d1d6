"""Durability (DESIGN.md): an APPEND that got its tagged OK survives `kill -9`, UIDs are never
reused and UIDVALIDITY stays the same across restarts (RFC 3501 §2.3.1.1)."""

import re
import threading
import time

from conftest import RawClient

APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]")


def appender(port, user, password, messages, acknowledged, stop):
    """Appends messages one after the other until stopped or killed, recording each OK."""
    try:
        client = RawClient(port)
        client.command("l", f"LOGIN {user} {password}")
        for i, message in enumerate(messages):
            if stop.is_set():
                return
            tag = f"a{i}"
            client.send(f"{tag} APPEND INBOX {{{len(message)}+}}\r\n".encode() + message + b"\r\n")
            line = client.read_response(tag)[-1]
            match = APPENDUID.search(line)
            assert line.startswith(f"{tag} OK".encode()) and match, line
            acknowledged.append((int(match.group(1)), int(match.group(2)), message))
    except (ConnectionError, OSError):
        return  # the server was killed under us


def test_kill_during_concurrent_appends_loses_nothing_acknowledged(server, corpus):
    acknowledged = []
    stop = threading.Event()
    threads = [threading.Thread(target=appender,
                                args=(server.port, "alice", "secret-a", corpus[k::4] * 3, acknowledged, stop))
               for k in range(4)]
    for t in threads:
        t.start()
    # Kill once a good number of appends have been acknowledged, while they keep coming.
    deadline = time.monotonic() + 60
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acknowledged) >= 150

    validities = {v for v, _, _ in acknowledged}
    assert len(validities) == 1
    uids = [u for _, u, _ in acknowledged]
    assert len(set(uids)) == len(uids), "a UID was given twice"

    server.start()
    client = server.imap("alice", "secret-a")
    typ, data = client.select("INBOX")
    assert typ == "OK"
    validity = int(client.untagged_responses["UIDVALIDITY"][0])
    assert validity in validities, "UIDVALIDITY changed across the restart"

    sent = {bytes(m) for m in corpus}
    for _, uid, message in acknowledged:
        typ, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
        assert typ == "OK" and data and data[0] is not None, f"UID {uid} lost"
        assert data[0][1] == message, f"UID {uid} differs from what was acknowledged"

    # Anything present but unacknowledged (in flight at the kill) must be complete.
    typ, data = client.fetch("1:*", "(UID)")
    present = [int(m) for m in re.findall(rb"UID (\d+)", b" ".join(data))]
    assert set(uids) <= set(present)
    for uid in set(present) - set(uids):
        typ, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
        assert data[0][1] in sent, f"UID {uid} is a half-written message"

    # New mail after the restart gets UIDs above every UID ever given out.
    typ, data = client.append("INBOX", None, None, corpus[0])
    new_uid = int(APPENDUID.search(data[0]).group(2))
    assert new_uid > max(present + uids)
    client.logout()


def test_uidvalidity_and_uids_survive_clean_restart(server, corpus):
    client = server.imap("alice", "secret-a")
    client.create("Keep")
    for m in corpus[:5]:
        client.append("Keep", None, None, m)
    client.select("Keep")
    validity = client.untagged_responses["UIDVALIDITY"][0]
    client.store("1:5", "+FLAGS", "(\\Deleted)")
    client.expunge()
    client.logout()

    server.stop()
    server.start()
    client = server.imap("alice", "secret-a")
    client.select("Keep")
    assert client.untagged_responses["UIDVALIDITY"][0] == validity
    assert client.untagged_responses["UIDNEXT"][0] == b"6"
    typ, data = client.append("Keep", None, None, corpus[6])
    assert b"[APPENDUID " + validity + b" 6]" in data[0]
    client.logout()


def test_recreated_mailbox_gets_new_uidvalidity(server, corpus):
    """RFC 3501 §2.3.1.1: a mailbox deleted and created again under the same name must have a
    different UIDVALIDITY, also across a restart."""
    client = server.imap("alice", "secret-a")
    client.create("Again")
    client.select("Again")
    first = client.untagged_responses["UIDVALIDITY"][0]
    client.close()
    client.delete("Again")
    client.logout()
    server.stop()
    server.start()
    client = server.imap("alice", "secret-a")
    client.create("Again")
    client.select("Again")
    assert client.untagged_responses["UIDVALIDITY"][0] != first
    client.logout()
