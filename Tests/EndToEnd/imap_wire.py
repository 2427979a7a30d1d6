"""A small IMAP response reader for differential tests: it cuts a server's byte stream into
responses (following `{n}` and `~{n}` literals, RFC 9051 §4.3, RFC 3516 §4.2) and turns each
into values, so that two servers can be compared on what they say rather than on how they
quote it:

- atom -> str (`NIL` -> None; a run of digits -> int); a FETCH item name such as
  `BODY[1.HEADER.FIELDS (From To)]<0>` is one atom, brackets and their spaces included;
- quoted string (`\\"` and `\\\\` escapes undone), literal and literal8 -> bytes;
- parenthesised list -> list.

`Connection` is a pipelining client on one socket: commands are written by a background
thread while responses are read, so that hundreds of commands can be in flight without both
ends blocking on full socket buffers."""

import re
import socket
import threading

_LITERAL_AT_END = re.compile(rb"~?\{(\d+)\}\r\n")
_ATOM = re.compile(rb"[^\s()\"{\[\]]*")
_DIGITS = re.compile(rb"\d+\Z")


class ProtocolError(Exception):
    pass


class Literal(bytes):
    """A string that came as a literal (kept distinct only for reporting)."""


def tokenize(data):
    """Parses one response (bytes, literals inline, without the final CRLF) into a list."""
    values, position = _parse_sequence(data, 0, closing=None)
    if position != len(data):
        raise ProtocolError(f"trailing bytes at {position}: {data[position:position + 60]!r}")
    return values


def _parse_sequence(data, position, closing):
    values = []
    length = len(data)
    while True:
        while position < length and data[position] == 0x20:
            position += 1
        if position >= length:
            if closing is not None:
                raise ProtocolError("unterminated list")
            return values, position
        byte = data[position]
        if byte == closing:
            return values, position + 1
        if byte == 0x28:  # (
            inner, position = _parse_sequence(data, position + 1, closing=0x29)
            values.append(inner)
        elif byte == 0x22:  # "
            value, position = _parse_quoted(data, position + 1)
            values.append(value)
        elif byte == 0x7B or (byte == 0x7E and data[position + 1:position + 2] == b"{"):  # { or ~{
            start = position + (2 if byte == 0x7E else 1)
            end = data.index(b"}\r\n", start)
            count = int(data[start:end])
            body_start = end + 3
            values.append(Literal(data[body_start:body_start + count]))
            position = body_start + count
        elif byte == 0x29:
            raise ProtocolError(f"unexpected ')' at {position}")
        else:
            value, position = _parse_atom(data, position)
            values.append(value)


def _parse_quoted(data, position):
    out = bytearray()
    while True:
        end = data.index(b"\"", position)
        backslash = data.find(b"\\", position, end)
        if backslash < 0:
            out += data[position:end]
            return bytes(out), end + 1
        out += data[position:backslash]
        out.append(data[backslash + 1])
        position = backslash + 2


def _parse_atom(data, position):
    start = position
    length = len(data)
    while True:
        match = _ATOM.match(data, position)
        position = match.end()
        if position < length and data[position] == 0x5B:  # [ ... ] belongs to the atom
            depth = 0
            while position < length:
                if data[position] == 0x5B:
                    depth += 1
                elif data[position] == 0x5D:
                    depth -= 1
                    if depth == 0:
                        position += 1
                        break
                position += 1
            continue
        if position < length and data[position] == 0x5D:  # `]` ends an atom in resp-text-code
            position += 1
            continue
        break
    if position == start:
        raise ProtocolError(f"unexpected byte {data[start:start + 1]!r} at {start}")
    atom = data[start:position]
    if atom == b"NIL":
        return None, position
    if _DIGITS.match(atom):
        return int(atom), position
    return atom.decode("latin-1"), position


class Response:
    """One server response: `tag` ('*', '+' or the command tag), the raw bytes, and (lazily)
    its values."""

    __slots__ = ("tag", "raw", "_values")

    def __init__(self, tag, raw):
        self.tag = tag
        self.raw = raw
        self._values = None

    @property
    def values(self):
        if self._values is None:
            self._values = tokenize(self.raw)
        return self._values

    def __repr__(self):
        return f"Response({self.raw[:200]!r})"


class Connection:
    """One IMAP connection that reads responses with literals and pipelines commands."""

    def __init__(self, host, port, timeout=120):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = bytearray()
        self.scan = 0
        self.tag_counter = 0
        self.senders = []
        self.greeting = self.read_response()

    # -- writing

    def next_tag(self):
        self.tag_counter += 1
        return f"T{self.tag_counter}"

    def send_in_background(self, data):
        """Writes bytes from a thread, so that reading can go on while the server answers."""
        def run():
            try:
                self.sock.sendall(data)
            except OSError:
                pass
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.senders.append(thread)

    def pipeline(self, commands):
        """Sends every command (bytes after the tag, CRLF added) at once and returns, per
        command, (untagged responses, tagged response), in order."""
        tags = []
        data = bytearray()
        for command in commands:
            tag = self.next_tag()
            tags.append(tag)
            data += tag.encode() + b" " + command + b"\r\n"
        self.send_in_background(bytes(data))
        results = []
        for tag in tags:
            results.append(self.collect(tag))
        for thread in self.senders:
            thread.join()
        self.senders.clear()
        return results

    def command(self, command):
        return self.pipeline([command if isinstance(command, bytes) else command.encode()])[0]

    def collect(self, tag):
        """Responses up to the tagged one for `tag`."""
        untagged = []
        while True:
            response = self.read_response()
            if response.tag == tag:
                return untagged, response
            if response.tag not in ("*", "+"):
                raise ProtocolError(f"expected tag {tag}, got {response.raw[:200]!r}")
            untagged.append(response)

    # -- reading

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError(f"connection closed; pending {bytes(self.buffer[:200])!r}")
        self.buffer += chunk

    def read_response(self):
        """One whole response: a line, plus every literal it announces and the lines after."""
        position = 0
        while True:
            end = self.buffer.find(b"\r\n", self.scan)
            while end < 0:
                self.scan = max(position, len(self.buffer) - 1)
                self._fill()
                end = self.buffer.find(b"\r\n", self.scan)
            match = _LITERAL_AT_END.search(self.buffer, max(position, end - 30), end + 2)
            if match and match.end() == end + 2:
                literal_end = end + 2 + int(match.group(1))
                while len(self.buffer) < literal_end:
                    self._fill()
                position = literal_end
                self.scan = literal_end
                continue
            raw = bytes(self.buffer[:end])
            del self.buffer[:end + 2]
            self.scan = 0
            space = raw.find(b" ")
            tag = raw[:space if space >= 0 else len(raw)].decode("latin-1")
            return Response(tag, raw)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
