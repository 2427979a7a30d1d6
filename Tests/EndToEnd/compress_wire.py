"""COMPRESS=DEFLATE (RFC 4978) on the client's side, made by hand with Python's zlib: raw
DEFLATE (wbits -15) both ways, each command flushed with Z_SYNC_FLUSH unless said otherwise."""

import imaplib
import zlib

# imaplib refuses commands it does not know; COMPRESS is valid once authenticated (RFC 4978 §5).
imaplib.Commands.setdefault("COMPRESS", ("AUTH", "SELECTED"))


class DeflateSocket:
    """A socket (plain or TLS) after COMPRESS: what is sent is compressed and flushed with
    `flush`; what is received is inflated. Counts the bytes on the wire and the plain ones."""

    def __init__(self, sock, flush=zlib.Z_SYNC_FLUSH):
        self.sock = sock
        self.flush = flush
        self.compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.decompressor = zlib.decompressobj(-15)
        self.wire_received = 0
        self.plain_received = 0

    def sendall(self, data, flush=None):
        self.sock.sendall(self.compressor.compress(data) + self.compressor.flush(flush or self.flush))

    def recv(self, size):
        """Inflated bytes, waiting for compressed input until some come out; b"" at the end."""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return b""
            self.wire_received += len(chunk)
            data = self.decompressor.decompress(chunk)
            if data:
                self.plain_received += len(data)
                return data

    def settimeout(self, value):
        self.sock.settimeout(value)

    def close(self):
        self.sock.close()


def compress_raw(client):
    """Sends COMPRESS DEFLATE over a conftest RawClient and puts the layer under it."""
    line = client.command("z", "COMPRESS DEFLATE")[-1]
    assert line == b"z OK DEFLATE active", line
    assert client.buffer == b"", "nothing may follow the OK uncompressed"
    client.sock = DeflateSocket(client.sock)
    return client.sock


class CompressMixin:
    """imaplib with COMPRESS: `compress()` sends the command and, after its OK, compresses
    what `send` writes and inflates what `read`/`readline` read. Counts the bytes on the wire
    (after compression) and the plain ones."""

    deflate = None

    def compress(self):
        typ, data = self._simple_command("COMPRESS", "DEFLATE")
        if typ == "OK":
            self.deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
            self.inflate = zlib.decompressobj(-15)
            self.pending = b""
            self.wire_received = 0
            self.plain_received = 0
        return typ, data

    def send(self, data):
        if self.deflate:
            data = self.deflate.compress(data) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        super().send(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise imaplib.IMAP4.abort("socket error: EOF")
        self.wire_received += len(chunk)
        data = self.inflate.decompress(chunk)
        self.plain_received += len(data)
        self.pending += data

    def read(self, size):
        if not self.deflate:
            return super().read(size)
        while len(self.pending) < size:
            self._fill()
        data, self.pending = self.pending[:size], self.pending[size:]
        return data

    def readline(self):
        if not self.deflate:
            return super().readline()
        while b"\n" not in self.pending:
            self._fill()
        line, _, self.pending = self.pending.partition(b"\n")
        return line + b"\n"


class CompressingIMAP4(CompressMixin, imaplib.IMAP4):
    pass


class CompressingIMAP4_SSL(CompressMixin, imaplib.IMAP4_SSL):
    pass
