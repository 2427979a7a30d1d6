"""SORT and THREAD beside Dovecot (issue 16: "SORT by every key and THREAD by every algorithm
give the same order, or the README explains the difference with the RFC text").

A private Dovecot 2.3 (`dovecot_peer.py`) and a Tern server get the generated corpus and the
hand-made tricky messages in the same order with the same INTERNALDATEs (as in
`test_dovecot_differential.py`); then both answer SORT by every key of RFC 5256 §3 and
RFC 5957 §4, alone and with REVERSE, ESORT's ESEARCH (RFC 5267 §3), and THREAD by every
algorithm (REFS is Dovecot's own), and the answers must be identical. Runs where Dovecot can (root, `dovecot-imapd`,
a `vmail` user); skipped elsewhere, like the other Dovecot comparisons."""

import re

import pytest

from dovecot_peer import unavailable_reason
from fetch_comparison import is_ok
from test_dovecot_differential import running_peers
import tricky_messages

KEYS = ["ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO"]

# Known differences: command -> (the one message placed differently, who is right). An entry
# that stops differing fails too. The README's "Differences from Dovecot" describes each.
RAW_8BIT_NAME = (
    "tricky:eight-bit-headers",
    "Neither is wrong. Its To: display name is raw ISO-8859-1 ('Zo\\xeb'), which RFC 5322 does not allow "
    "unencoded and which is not UTF-8. RFC 5957 §3 asks to 'decode any [RFC2047] encoded-words and convert the "
    "resulting character string into a charset valid for the currently active [RFC4790] collation'; Tern reads "
    "such bytes as Windows-1252 (as for SEARCH and FETCH decoding), 'Zoë', and sorts it with the Z names; "
    "Dovecot 2.3 sorts it with the empty values, first.")
ALLOWED_DIFFERENCES = {
    "SORT (DISPLAYTO) UTF-8 ALL": RAW_8BIT_NAME,
    "SORT (REVERSE DISPLAYTO) UTF-8 ALL": RAW_8BIT_NAME,
}


@pytest.fixture(scope="module")
def peers(tmp_path_factory, large_corpus):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    messages = list(large_corpus) + [(f"tricky:{name}", data) for name, data in tricky_messages.MESSAGES]
    with running_peers(tmp_path_factory.mktemp("sort-differential"), messages) as peers:
        yield peers


def answer(untagged, name):
    """The untagged response named `name` (SORT, THREAD, ESEARCH), as its raw bytes after it."""
    found = [r.raw for r in untagged if re.match(rb"\* " + name.encode() + rb"\b", r.raw)]
    assert len(found) == 1, found
    return found[0][len(name) + 2:].strip()


def first_difference(peers, dovecot, tern):
    for position, (d, t) in enumerate(zip(dovecot, tern)):
        if d != t:
            return (f"position {position}: Dovecot {peers.labels[d - 1]} (#{d}), "
                    f"Tern {peers.labels[t - 1]} (#{t})")
    return f"lengths {len(dovecot)} and {len(tern)}"


def differing_labels(peers, dovecot, tern):
    """The messages whose place differs (for the failure message)."""
    return sorted({peers.labels[d - 1] for d, t in zip(dovecot, tern) if d != t})[:12]


def compare(peers, command, name):
    [(d_untagged, d_tagged)], [(t_untagged, t_tagged)] = peers.both([command])
    assert is_ok(d_tagged), d_tagged.raw
    assert is_ok(t_tagged), f"tern: {t_tagged.raw!r}"
    return answer(d_untagged, name), answer(t_untagged, name)


CRITERIA = [f"({key})" for key in KEYS] + [f"(REVERSE {key})" for key in KEYS] + [
    "(FROM REVERSE DATE)", "(SUBJECT SIZE)", "(CC TO REVERSE ARRIVAL)"]


@pytest.mark.parametrize("criteria", CRITERIA)
def test_sort_matches_dovecot(peers, criteria):
    """RFC 5256 §3 (and RFC 5957 §4 for the DISPLAY keys): the same order, ties by sequence."""
    command = f"SORT {criteria} UTF-8 ALL"
    dovecot, tern = compare(peers, command, "SORT")
    d, t = [int(n) for n in dovecot.split()], [int(n) for n in tern.split()]
    if command in ALLOWED_DIFFERENCES:
        assert d != t, f"allow-listed but no longer different: {command}"
        label = ALLOWED_DIFFERENCES[command][0]
        number = peers.labels.index(label) + 1
        d, t = [n for n in d if n != number], [n for n in t if n != number]
    assert d == t, f"{first_difference(peers, d, t)}; moved: {differing_labels(peers, d, t)}"


def test_sort_with_criteria_and_uid_sort_match_dovecot(peers):
    """RFC 5256 §3: UID SORT over search criteria."""
    dovecot, tern = compare(peers, "UID SORT (REVERSE SUBJECT DATE) UTF-8 OR FROM a SUBJECT re", "SORT")
    assert dovecot == tern


@pytest.mark.parametrize("options", ["(MIN MAX COUNT ALL)", "()", "(MIN)", "(COUNT)"])
def test_esort_matches_dovecot(peers, options):
    """RFC 5267 §3.1: ESEARCH answers to SORT RETURN."""
    dovecot, tern = compare(peers, f"SORT RETURN {options} (REVERSE DATE) UTF-8 ALL", "ESEARCH")
    strip = lambda text: re.sub(rb'^\(TAG "[^"]*"\) ?', b"", text)
    assert strip(dovecot) == strip(tern)


@pytest.mark.parametrize("algorithm", ["ORDEREDSUBJECT", "REFERENCES", "REFS"])
def test_thread_matches_dovecot(peers, algorithm):
    """RFC 5256 §3: the same threads, in the same order."""
    command = f"THREAD {algorithm} UTF-8 ALL"
    dovecot, tern = compare(peers, command, "THREAD")
    if dovecot != tern:
        position = next(i for i, (a, b) in enumerate(zip(dovecot, tern)) if a != b)
        raise AssertionError(f"differ at byte {position}: Dovecot {dovecot[max(0, position - 80):position + 120]!r}"
                             f" Tern {tern[max(0, position - 80):position + 120]!r}")
