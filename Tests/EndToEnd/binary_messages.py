"""Messages with binary parts and NUL bytes, sent as literal8 (RFC 3516 §4.4) by the APPEND
and Dovecot differential tests: parts labelled `binary` with and without NUL, in a single-part
message, beside base64 and inside a message/rfc822 part, and NUL in parts labelled `8bit` or
not at all. Lines end in CRLF."""

from tricky_messages import HEAD, crlf

# A binary part with NUL bytes and a text part with one NUL: sent as literal8.
NUL_MESSAGE = ("nul-bytes", crlf(HEAD + """\
Subject: NUL bytes
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="n"

--n
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: binary

text with a NUL:\x00 here
--n
Content-Type: application/octet-stream
Content-Transfer-Encoding: binary

\x00\x01\x02\x00\xff\x00
--n--
"""))

# Sent as literal8 (RFC 3516 §4.4): binary parts the server may re-encode.
BINARY_MESSAGES = [
    NUL_MESSAGE,
    ("binary-single-part", crlf(HEAD.encode() + b"""\
Subject: one binary part
MIME-Version: 1.0
Content-Type: application/octet-stream; name="blob.bin"
Content-Transfer-Encoding: Binary

""" + bytes(range(256)) * 3 + b"""
tail
""")),
    ("binary-without-nul", crlf(HEAD.encode() + b"""\
Subject: binary part without NUL, next to base64
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="w"

--w
Content-Type: application/octet-stream
Content-Transfer-Encoding: binary

\xff\xfe\x01 eight-bit \x80\x81
--w
Content-Type: image/gif
Content-Transfer-Encoding: base64

R0lGODlhAQABAAAAACw=
--w--
""")),
    ("binary-in-rfc822", crlf(HEAD.encode() + b"""\
Subject: forwarded binary
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="o"

--o
Content-Type: text/plain

see attached
--o
Content-Type: message/rfc822

From: Carol <carol@example.net>
Subject: inner
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="i"

--i
Content-Type: image/png
Content-Transfer-Encoding: binary

\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR
--i--
--o--
""")),
    ("nul-in-8bit-and-unlabelled", crlf(HEAD.encode() + b"""\
Subject: NUL in parts not labelled binary
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="e"

--e
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

gr\xc3\xbc\xc3\x9fe\x00
--e
Content-Type: application/octet-stream

\x00\x00
--e--
""")),
]
