"""Login penalties (README: Security; RFC 9051 §11.1 asks that guessing be made expensive):
failures are kept per (address, user), per address and per user; a successful login clears
only its own (address, user) pair, so logging in to one's own account between guesses at
someone else's does not reset the delay; and every credential check waits for its turn, one
at a time per address and per user, so parallel connections do not multiply the guessing rate."""

import re
import socket
import threading
import time

from conftest import RawClient
from test_limits import security_config


def raw_from(server, source):
    """A RawClient whose connection comes from the loopback address `source` (127.0.0.0/8)."""
    client = RawClient.__new__(RawClient)
    client.sock = socket.create_connection(("127.0.0.1", server.port), timeout=30, source_address=(source, 0))
    client.buffer = b""
    client.greeting = client.readline()
    return client


def timed(client, tag, command):
    started = time.monotonic()
    line = client.command(tag, command)[-1]
    return line, time.monotonic() - started


def test_own_successful_login_does_not_reset_the_penalty_for_guesses(make_server):
    """The alternation attack: a guess at alice's password, then a successful login to one's
    own account (bob), again and again, from one address. The guesses at alice keep their
    failures and wait longer each time (the success of bob clears only (address, bob))."""
    server = make_server(config_text=security_config(login_failure_delay=0.2, max_login_failure_delay=1.6,
                                                      max_login_failures=100),
                         users=(("alice", "secret-a"), ("bob", "secret-b")))
    waits = []
    for round in range(5):
        guess = server.raw()
        line, elapsed = timed(guess, "g", "LOGIN alice wrong")
        assert line.startswith(b"g NO [AUTHENTICATIONFAILED]"), line
        waits.append(elapsed)
        own = server.raw()
        line, _ = timed(own, "o", "LOGIN bob secret-b")
        assert line.startswith(b"o OK"), line
        guess.close()
        own.close()
    assert waits[0] < 0.15, waits
    for round, minimum in enumerate([0.2, 0.4, 0.8, 1.6], start=1):
        assert waits[round] >= minimum * 0.95, waits


def test_guesses_at_one_user_from_many_addresses_are_slowed_together(make_server):
    """A per-user dimension: guesses at alice from 127.0.0.2, .3, .4 … each add to alice's
    failures, so the next guess from a fresh address waits too; alice's own trusted address
    (where she logged in before) is not held up."""
    server = make_server(config_text=security_config(login_failure_delay=0.2, max_login_failure_delay=1.6,
                                                      max_login_failures=100))
    home = raw_from(server, "127.0.0.1")
    assert home.command("a", "LOGIN alice secret-a")[-1].startswith(b"a OK")
    waits = []
    for i in range(2, 6):
        line, elapsed = timed(raw_from(server, f"127.0.0.{i}"), "g", "LOGIN alice wrong")
        assert line.startswith(b"g NO [AUTHENTICATIONFAILED]"), line
        waits.append(elapsed)
    assert waits[0] < 0.15 and waits[1] >= 0.19 and waits[2] >= 0.38 and waits[3] >= 0.76, waits
    line, elapsed = timed(raw_from(server, "127.0.0.1"), "b", "LOGIN alice secret-a")
    assert line.startswith(b"b OK") and elapsed < 0.15, (line, elapsed)
    line, elapsed = timed(raw_from(server, "127.0.0.9"), "c", "LOGIN alice secret-a")
    assert line.startswith(b"c OK") and elapsed >= 1.5, (line, elapsed)


def guess_in_parallel(server, connections, seconds):
    """`connections` clients from one address guessing alice's password for `seconds`; returns
    the answers: how many guesses were checked (AUTHENTICATIONFAILED) and refused unchecked."""
    counts = {"checked": 0, "refused": 0, "other": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def guesser(number):
        client = server.raw()
        client.sock.settimeout(seconds + 30)
        tag = 0
        while time.monotonic() < deadline:
            tag += 1
            line = client.command(f"g{tag}", f"LOGIN alice wrong{number}-{tag}")[-1]
            kind = ("checked" if b"[AUTHENTICATIONFAILED]" in line
                    else "refused" if b"[UNAVAILABLE]" in line else "other")
            with lock:
                counts[kind] += 1
        client.close()

    threads = [threading.Thread(target=guesser, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts


def test_parallel_connections_do_not_multiply_the_guessing_rate(make_server):
    """50 connections from one address guessing at once. Every check waits for its turn (one
    at a time per address and per user) and then its delay, so once the failures reach the
    maximum delay (0.5 s here) at most one guess per 0.5 s is checked; the rest are refused
    unchecked with NO [UNAVAILABLE] after waiting up to that long. Without turns every
    connection waited its delay in parallel: 50 guesses per delay."""
    server = make_server(config_text=security_config(login_failure_delay=0.1, max_login_failure_delay=0.5,
                                                      max_login_failures=100000))
    seconds = 6
    started = time.monotonic()
    counts = guess_in_parallel(server, connections=50, seconds=seconds)
    elapsed = time.monotonic() - started
    rate = counts["checked"] / elapsed
    print(f"\nparallel guessing: {counts}, {rate:.2f} checked guesses/s over {elapsed:.1f} s")
    assert counts["other"] == 0, counts
    # Ramp-up 0.1 + 0.2 + 0.4 s, then one per 0.5 s: about 14 in 6 s (+ the answers in flight).
    assert counts["checked"] <= elapsed / 0.5 + 5, counts
    assert counts["refused"] > 0, counts
    # The right password is not let through out of turn either, and works once it is quiet.
    time.sleep(0.6)
    line = server.raw().command("a", "LOGIN alice secret-a")[-1]
    assert line.startswith(b"a OK"), line


def test_cancelled_scram_exchange_gives_up_its_turn(make_server):
    """A SCRAM exchange takes its turn once it names the user (RFC 5802 §5.1 client-first)
    and holds it until the outcome. A client that cancels with `*` (RFC 9051 §6.2.2) gives it
    up at once: a login right after it does not wait for the turn to expire."""
    import base64
    server = make_server(config_text=security_config(login_failure_delay=0.2, max_login_failure_delay=1.6))
    scram = server.raw()
    first = base64.b64encode(b"n,,n=alice,r=abcdefghijklmnop").decode()
    scram.send(f"a AUTHENTICATE SCRAM-SHA-256 {first}\r\n")
    assert scram.readline().startswith(b"+ ")  # server-first: the turn is held
    scram.send("*\r\n")
    assert scram.read_response("a")[-1].startswith(b"a BAD")
    line, elapsed = timed(server.raw(), "b", "LOGIN alice secret-a")
    assert line.startswith(b"b OK") and elapsed < 1, (line, elapsed)
