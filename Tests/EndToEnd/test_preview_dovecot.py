"""PREVIEW (RFC 8970) beside Dovecot 2.3 on the generated corpus and the hand-made tricky
messages (issue 16): a private Dovecot (`dovecot_peer.py`) and a Tern server get the same
messages in the same order, both answer `FETCH 1:* (PREVIEW)`, and the previews are compared.

RFC 8970 leaves the text to the server ("an approximation of the message data and not a
canonical view of its contents", §3.2), and the two differ by design in a few ways the README's
"Differences from Dovecot" lists. The comparison therefore takes both previews apart into words
after undoing those known differences and asks that they agree word for word up to the shorter
one; what differs beyond that is held in an exact allow-list, as the other Dovecot comparisons
do. Runs where Dovecot can (root, `dovecot-imapd`, a `vmail` user); skipped elsewhere."""

import re

import pytest

from dovecot_peer import unavailable_reason
from fetch_comparison import is_ok
from test_dovecot_differential import running_peers
import tricky_messages

# Messages whose previews differ beyond the known rules: label -> why. The README's
# "Differences from Dovecot" describes each.
ALLOWED_DIFFERENCES = {
    "tricky:digest": (
        "Neither is wrong (RFC 8970 §3.2 leaves the text to the server). The parts of a "
        "multipart/digest are message/rfc822 by default (RFC 2046 §5.1.5): Tern takes the preview "
        "from the embedded message's text ('one'), Dovecot reads the embedded header as text "
        "('From: Kim <kim@example.com> Subject: first digest entry one')."),
}


@pytest.fixture(scope="module")
def previews(tmp_path_factory, large_corpus):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    messages = list(large_corpus) + [(f"tricky:{name}", data) for name, data in tricky_messages.MESSAGES]
    with running_peers(tmp_path_factory.mktemp("preview-differential"), messages) as peers:
        # Dovecot answers LAZY with NIL until it has made a preview; a complete FETCH makes all.
        answers = peers.both(["FETCH 1:* (PREVIEW)", "FETCH 1:* (PREVIEW (LAZY))"])
        result = []
        for side in answers:
            (untagged, tagged), (lazy_untagged, lazy_tagged) = side
            assert is_ok(tagged) and is_ok(lazy_tagged), (tagged.raw, lazy_tagged.raw)
            result.append((texts(untagged), texts(lazy_untagged)))
        yield peers.labels, result[0], result[1]


def texts(untagged):
    """{sequence number: preview} of FETCH responses."""
    found = {}
    for response in untagged:
        values = response.values
        if len(values) >= 4 and values[2] == "FETCH":
            items = values[3]
            value = items[items.index("PREVIEW") + 1]
            found[values[1]] = None if value is None else bytes(value).decode("utf-8")
    return found


def words(text):
    """The words of a preview with the known differences undone: Dovecot turns every HTML tag
    into a space (`<b>H</b>ello` gives `H ello`) and keeps U+00A0, Tern joins inline tags and
    collapses every white space; both cut at 200 characters (the last word may be cut)."""
    return "".join(text.split()).replace("\u00a0", "")


def test_every_message_has_a_preview_on_both(previews):
    """RFC 8970 §3.2: a FETCH PREVIEW without LAZY never answers NIL; Tern's LAZY has every
    preview (made at APPEND). (Dovecot's answer to the pipelined LAZY FETCH is not compared.)"""
    labels, (dovecot, _), (tern, tern_lazy) = previews
    assert sorted(tern) == list(range(1, len(labels) + 1)) == sorted(dovecot)
    assert None not in tern.values() and None not in dovecot.values()
    assert tern_lazy == tern


def test_previews_match_dovecot(previews):
    labels, (dovecot, _), (tern, _) = previews
    differing = {}
    identical = 0
    for number, label in enumerate(labels, start=1):
        d, t = dovecot[number], tern[number]
        if d == t:
            identical += 1
            continue
        dw, tw = words(d), words(t)
        shorter = min(len(dw), len(tw))
        # Both cut at 200 characters, after different white space: compare what both hold.
        if dw[:max(shorter - 12, 0)] == tw[:max(shorter - 12, 0)] and abs(len(dw) - len(tw)) < 40 + (0 if shorter else 1):
            continue
        differing[label] = (d, t)
    unexpected = {label: pair for label, pair in differing.items() if label not in ALLOWED_DIFFERENCES}
    stale = sorted(set(ALLOWED_DIFFERENCES) - set(differing))
    report = "\n".join(f"{label}:\n  dovecot {d!r}\n  tern    {t!r}" for label, (d, t) in list(unexpected.items())[:25])
    assert not unexpected, f"{len(unexpected)} previews differ ({identical} identical):\n{report}"
    assert not stale, f"allowed differences that no longer differ: {stale}"
    assert identical >= len(labels) - 5, f"only {identical} of {len(labels)} previews are identical"
