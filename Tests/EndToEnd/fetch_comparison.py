"""Comparing two servers' FETCH answers value by value, and the MIME tree a BODYSTRUCTURE
describes (which sections to ask for): the machinery of the Dovecot differential test."""

import re

from imap_wire import Literal

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# -- comparing -------------------------------------------------------------------------------

def item_key(name):
    """Response item name, normalised: BODY.PEEK[x] -> BODY[X], white space collapsed."""
    key = " ".join(name.upper().split())
    return key.replace("BODY.PEEK[", "BODY[").replace("BINARY.PEEK[", "BINARY[")


def fetch_items(untagged):
    """{sequence number: {item key: value}} from untagged FETCH responses."""
    result = {}
    for response in untagged:
        values = response.values
        if len(values) >= 4 and isinstance(values[1], int) and str(values[2]).upper() == "FETCH":
            items = values[3]
            entry = result.setdefault(values[1], {})
            for name, value in zip(items[::2], items[1::2]):
                entry[item_key(name)] = value
    return result


def status_of(tagged):
    """`OK`, `NO [UNKNOWN-CTE]`, …: the status and the response code's name, not the text."""
    words = tagged.raw.split(b" ", 2)
    status = words[1].decode("latin-1").upper() if len(words) > 1 else ""
    if len(words) > 2 and words[2].startswith(b"["):
        code = re.match(rb"\[([^\] ]*)", words[2]).group(1).decode("latin-1").upper()
        return f"{status} [{code}]"
    return status


def is_ok(tagged):
    return tagged.raw.split(b" ", 2)[1:2] == [b"OK"]


class Difference:
    def __init__(self, label, sequence, key, dovecot, tern):
        self.label, self.sequence, self.key, self.dovecot, self.tern = label, sequence, key, dovecot, tern

    @property
    def ident(self):
        return (self.label, self.key)

    def __str__(self):
        return (f"{self.label} (#{self.sequence}) {self.key}\n"
                f"    dovecot: {show(self.dovecot)}\n    tern:    {show(self.tern, self.dovecot)}")


MISSING = object()


def show(value, other=None, width=300):
    if value is MISSING:
        return "(missing)"
    if isinstance(value, bytes) and isinstance(other, bytes):
        # Show where two byte strings part.
        common = 0
        limit = min(len(value), len(other))
        while common < limit and value[common] == other[common]:
            common += 1
        start = max(0, common - 40)
        return f"{len(value)} bytes, differs at {common}: …{bytes(value[start:start + 120])!r}"
    if isinstance(value, bytes):
        text = repr(bytes(value))
    else:
        text = repr(plain(value))
    return text if len(text) <= width else text[:width] + f"… ({len(text)} chars)"


def plain(value):
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Literal):
        return bytes(value)
    return value


def values_equal(a, b):
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, bytes) and isinstance(b, bytes):
        return bytes(a) == bytes(b)
    return type(a) is type(b) and a == b


def date_time_value(value):
    """An INTERNALDATE as its instant and zone: `date-day-fixed` is `(SP DIGIT) / 2DIGIT`
    (RFC 3501 §9, RFC 9051 §9), so " 1-Jun-2023" and "01-Jun-2023" are the same date."""
    if not isinstance(value, bytes):
        return value
    match = re.fullmatch(rb" ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-]\d{4})", bytes(value))
    if not match:
        return value
    day, month, year, hour, minute, second, zone = match.groups()
    return (int(year), MONTHS.index(month.decode().title()) + 1, int(day), int(hour), int(minute), int(second),
            zone.decode())


def compare(label, sequence, dovecot, tern, differences, keys):
    for key in keys:
        d = dovecot.get(key, MISSING)
        t = tern.get(key, MISSING)
        if key == "INTERNALDATE":
            d, t = date_time_value(d), date_time_value(t)
        if d is MISSING and t is MISSING:
            differences.append(Difference(label, sequence, key + " (answered by neither)", d, t))
        elif not values_equal(d, t):
            differences.append(Difference(label, sequence, key, d, t))


# -- the MIME tree, from a BODYSTRUCTURE -----------------------------------------------------

def is_multipart(body):
    return isinstance(body, list) and bool(body) and isinstance(body[0], list)


def is_message(body):
    return (isinstance(body, list) and len(body) > 9 and isinstance(body[0], bytes)
            and bytes(body[0]).lower() == b"message" and isinstance(body[7], list) and isinstance(body[8], list))


def section_parts(body):
    """[(part path "1.2", kind)] for every part a BODYSTRUCTURE names (RFC 3501 §6.4.5
    numbering); kind is 'multipart', 'message' or 'leaf'."""
    result = []

    def visit_children(multipart, prefix):
        number = 0
        for child in multipart:
            if not isinstance(child, list):
                break
            number += 1
            visit(child, prefix + [number])

    def visit(part, path):
        name = ".".join(map(str, path))
        if is_multipart(part):
            result.append((name, "multipart"))
            visit_children(part, path)
        elif is_message(part):
            result.append((name, "message"))
            inner = part[8]
            if is_multipart(inner):
                visit_children(inner, path)
            else:
                visit(inner, path + [1])
        else:
            result.append((name, "leaf"))

    if not isinstance(body, list):
        return result
    if is_multipart(body):
        visit_children(body, [])
    else:
        visit(body, [1])
    return result


def part_requests(parts, fields):
    """The FETCH items for the parts: (body section items, binary items); `fields` is the
    header field list asked of message/rfc822 parts."""
    body, binary = [], []
    for path, kind in parts:
        body += [f"BODY.PEEK[{path}]", f"BODY.PEEK[{path}.MIME]"]
        if kind == "message":
            body += [f"BODY.PEEK[{path}.HEADER]", f"BODY.PEEK[{path}.TEXT]",
                     f"BODY.PEEK[{path}.HEADER.FIELDS {fields}]"]
        elif kind == "leaf":
            binary += [f"BINARY.SIZE[{path}]", f"BINARY.PEEK[{path}]"]
    return body, binary
