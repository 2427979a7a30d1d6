"""Hand-made messages that real mail contains and parsers get wrong, for the Dovecot
differential test. Each is (name, bytes); lines end in CRLF unless the case is about line
ends. Messages with NUL bytes and binary parts, sent as literal8, are in
`binary_messages.py`.

Not here, because Dovecot 2.3.19 ends the whole session on BINARY of such a part, so that they
cannot be compared: base64 whose last group lacks its padding ("DA0", "Base64 data ends
prematurely"), and quoted-printable whose last line ends in a soft line break ("last line="
right before the boundary, "Invalid quoted-printable input trailer").

Mailing-list digests (Mailman's `__--__--` boundary, multipart/digest, RFC 1153) are in
`digest_messages.py` and join the list at its end."""

from digest_messages import DIGESTS


def crlf(text):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


HEAD = ("From: Ann Example <ann@example.com>\n"
        "To: Bob <bob@example.org>\n"
        "Date: Tue, 2 Jan 2024 10:00:00 +0000\n")

MESSAGES = [
    ("missing-final-boundary", crlf(HEAD + """\
Subject: missing final boundary
Message-ID: <t01@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

preamble text
--b1
Content-Type: text/plain

first part
--b1
Content-Type: text/html; charset=utf-8

<p>second part, never closed</p>
""")),
    ("boundary-never-appears", crlf(HEAD + """\
Subject: boundary never appears
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="nope"

Just text, no boundary line at all.
--not-it
More text.
""")),
    ("multipart-without-boundary", crlf(HEAD + """\
Subject: multipart without boundary parameter
MIME-Version: 1.0
Content-Type: multipart/mixed

--
Content-Type: text/plain

hello
""")),
    ("empty-multipart-parts", crlf(HEAD + """\
Subject: empty parts
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=XX

--XX
--XX

--XX
Content-Type: text/plain

--XX--
epilogue
""")),
    ("nested-rfc822", crlf(HEAD + """\
Subject: Fwd: nested messages
Message-ID: <t02@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

This is a preamble.
--outer
Content-Type: text/plain; charset=us-ascii

See the forwarded messages.
--outer
Content-Type: message/rfc822
Content-Description: first forward

From: Carol <carol@example.net>
To: Dave <dave@example.net>
Subject: inner multipart
Date: Mon, 1 Jan 2024 09:00:00 -0800
Message-ID: <inner1@example.net>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Caf=C3=A9 au lait
--inner
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

PHA+Q2Fmw6kgYXUgbGFpdDwvcD4=
--inner--
--outer
Content-Type: message/rfc822

From: Erin <erin@example.org>
Subject: wrapper
Content-Type: message/rfc822

From: Frank <frank@example.org>
Subject: innermost
Content-Type: text/plain
Content-Transfer-Encoding: quoted-printable

soft=
 break and =3D sign
--outer--
""")),
    ("top-level-rfc822", crlf(HEAD + """\
Subject: a message that is a message
MIME-Version: 1.0
Content-Type: message/rfc822

From: Grace <grace@example.com>
Subject: carried
Date: Wed, 3 Jan 2024 11:00:00 +0100

carried body
""")),
    ("embedded-header-only", crlf(HEAD + """\
Subject: embedded message without body
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="e"

--e
Content-Type: message/rfc822

From: Heidi <heidi@example.com>
Subject: only a header
--e
Content-Type: text/plain

after
--e--
""")),
    ("rfc822-base64", crlf(HEAD + """\
Subject: message/rfc822 with a forbidden encoding
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: message/rfc822
Content-Transfer-Encoding: base64

RnJvbTogSXZhbiA8aXZhbkBleGFtcGxlLmNvbT4NClN1YmplY3Q6IGVuY29kZWQNCg0KYm9keQ0K
--m--
""")),
    ("message-global", crlf(HEAD + """\
Subject: message/global part
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="g"

--g
Content-Type: text/plain

see attached
--g
Content-Type: message/global

From: =?utf-8?q?J=C3=BCrgen?= <juergen@example.de>
Subject: Grüße
Content-Type: text/plain; charset=utf-8

Grüße aus Köln
--g--
""")),
    ("digest", crlf(HEAD + """\
Subject: a digest
MIME-Version: 1.0
Content-Type: multipart/digest; boundary="d"

--d

From: Kim <kim@example.com>
Subject: first digest entry

one
--d
Content-Type: text/plain

not a message
--d

From: Lee <lee@example.com>
Subject: second digest entry
Content-Type: multipart/mixed; boundary="d2"

--d2
Content-Type: text/plain

two
--d2--
--d--
""")),
    ("rfc2231-parameters", crlf(HEAD + """\
Subject: RFC 2231 parameters
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="p"

--p
Content-Type: application/octet-stream;
 name*0*=utf-8''%E2%82%AC%20rates;
 name*1=" for 2024.pdf"
Content-Disposition: attachment;
 filename*=iso-8859-1'de'Gr%FC%DFe.txt;
 size=1234
Content-Transfer-Encoding: base64

AAECAwQF
--p
Content-Type: text/plain; title*1=" world"; title*0="hello";
 charset="us-ascii"
Content-Disposition: inline; filename*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A

two
--p
Content-Type: text/plain; charset*=us-ascii''utf-8; format = flowed ; delsp="yes"

three
--p--
""")),
    ("group-addresses", crlf("""\
From: "Joe Q. Public" <john.q.public@example.com>
Sender: Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>
Reply-To: Undisclosed recipients:;
To: Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>
Cc: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, <boss@nil.test>,
 "Giant; \\"Big\\" Box" <sysservices@example.net>
Bcc: Team: ;, Other Team: x@y.test (comment);, localonly, @route1,@route2:user@host.example
Subject: group addresses
Date: Thu, 4 Jan 2024 08:00:00 +0000
Message-ID: <t03@example.com>

body
""")),
    ("empty-headers", crlf("""\
From:
To: 
Cc:\t
Subject:
Date:
Message-ID:
In-Reply-To:
Content-Type:
Content-Transfer-Encoding:

body with empty headers
""")),
    ("eight-bit-headers", crlf("From: Jürgen Müller <juergen@example.de>\n"
                               "To: Zoë <zoe@example.fr>, =?utf-8?q?Ren=C3=A9e?= <renee@example.fr>\n"
                               "Subject: Grüße – 8-bit subject ✓\n"
                               "Date: Fri, 5 Jan 2024 12:00:00 +0100\n"
                               "Message-ID: <t04@example.com>\n"
                               "Content-Type: text/plain; charset=utf-8\n"
                               "Content-Transfer-Encoding: 8bit\n\n"
                               "Grüße aus Köln\n")
     .replace("Zoë".encode(), b"Zo\xeb")),
    ("transfer-encodings", crlf(HEAD + """\
Subject: base64 and quoted-printable
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="te"

--te
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

R3LDvMOfZSBhdXMgS8O2bG4sIHRoaXMgaXMgYSBiYXNlNjQgdGV4dCB0aGF0IGlzIGxvbmcgZW5v
dWdoIHRvIHdyYXAgb3ZlciB0d28gbGluZXMu
--te
Content-Type: application/octet-stream
Content-Transfer-Encoding: BASE64

 AAEC\tAwQF
  BgcICQoL DA0=
--te
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Gr=FC=DFe, soft line=
 break, lower case =e9 =c3=A9, trailing space   
soft break after space=  
last line
--te
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Grüße in 8 bit
--te
Content-Type: text/plain
Content-Transfer-Encoding: base64 (with a comment)

aGVsbG8=
--te
Content-Type: text/plain
Content-Transfer-Encoding: Quoted-Printable

mixed=20case=20name
--te--
""")),
    # Characters outside the base64 alphabet (RFC 2045 §6.8: "to be ignored").
    ("base64-outside-alphabet", crlf(HEAD + """\
Subject: base64 with characters outside its alphabet
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

AAEC*AwQF!
BgcI.CQoLDA0=
""")),
    # "=" not followed by two hex digits (RFC 2045 §6.7 note 2).
    ("quoted-printable-invalid-escape", crlf(HEAD + """\
Subject: quoted-printable with invalid escapes
Content-Type: text/plain
Content-Transfer-Encoding: quoted-printable

a=ZZb and =4
""")),
    ("unknown-transfer-encoding", crlf(HEAD + """\
Subject: unknown transfer encoding
MIME-Version: 1.0
Content-Type: application/octet-stream; name="a.bin"
Content-Transfer-Encoding: x-uuencode

begin 644 a.bin
#86)C
`
end
""")),
    ("header-only", crlf(HEAD + "Subject: header only, no empty line\n").rstrip(b"\r\n")),
    ("header-only-crlf", crlf(HEAD + "Subject: header only, ends in CRLF\n")),
    ("body-only", crlf("\nThere is no header at all.\n")),
    ("folded-headers", crlf("""\
From: "A very long display name that goes on"
\t<folded@example.com>
To: one@example.com,
    two@example.com,
\tthree@example.com
Subject: a subject that is folded
  over   three
\tlines
Date: Sat,
 6 Jan 2024 13:14:15 +0000
Message-ID:
 <t05@example.com>
Content-Type: text/plain;
\tcharset="utf-8";
\tformat=flowed

folded
""")),
    ("content-type-oddities", crlf(HEAD + """\
Subject: content type oddities
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="ct"

--ct
Content-Type: TEXT/HTML (a comment) ; CharSet="UTF-8" ; format=flowed

<b>upper case</b>
--ct
Content-Type: text

no subtype
--ct
Content-Type: application/

empty subtype
--ct
Content-Type: /plain

empty type
--ct
Content-Type: image/png; name="a b.png"; name="second.png"

duplicate parameter
--ct
Content-Type: text/plain; charset=

empty charset
--ct
Content-Type: text/plain; =value; novalue; ok=1

broken parameters
--ct--
""")),
    ("extension-fields", crlf(HEAD + """\
Subject: extension fields
MIME-Version: 1.0
Content-Type: multipart/related; boundary="x"; type="text/html"; start="<a@b>"
Content-Language: en
Content-Location: http://example.com/whole

--x
Content-Type: text/html; charset=us-ascii
Content-ID: <a@b>
Content-Description: the  main   part
Content-Disposition: inline; filename="index.html"; creation-date="Mon, 1 Jan 2024 00:00:00 +0000"
Content-Language: en, de (German) , fr
Content-Location: index.html
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

<html></html>
--x
Content-Type: image/gif
Content-ID: <c@d>
Content-Disposition: ATTACHMENT
Content-Transfer-Encoding: base64

R0lGODlhAQABAAAAACw=
--x--
""")),
    ("duplicate-headers", crlf("""\
From: First <first@example.com>
From: Second <second@example.com>
To: a@example.com
To: b@example.com
Subject: first subject
Subject: second subject
Date: Sun, 7 Jan 2024 10:00:00 +0000
Date: Mon, 8 Jan 2024 10:00:00 +0000
Message-ID: <first@example.com>
Message-ID: <second@example.com>
Content-Type: text/plain; charset=us-ascii
Content-Type: text/html

which one wins?
""")),
    ("similar-boundaries", crlf(HEAD + """\
Subject: boundaries that are prefixes of each other
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=_a"

preamble
--=_a   
Content-Type: multipart/alternative; boundary="=_a_inner"

--=_a_inner
Content-Type: text/plain

inner text
--=_a_inner--
inner epilogue
--=_a
Content-Type: text/plain

--=_a_not_a_boundary
outer text
--=_a--
epilogue
""")),
    ("encoded-words", crlf("""\
From: =?utf-8?b?w4lsb2RpZQ==?= <elodie@example.fr>, "=?iso-8859-1?q?Andr=E9?=" <andre@example.fr>
To: =?bogus-charset?q?unknown?= <u@example.com>, =?utf-8?q?broken <b@example.com>
Subject: =?utf-8?q?adjacent?= =?utf-8?q?_words?= and =?utf-8?b?bm90IGRvbmU=?=plain
Date: Mon, 8 Jan 2024 10:00:00 +0000
Message-ID: <t06@example.com>

encoded words
""")),
    ("date-variants", crlf("""\
From: dates@example.com
Subject: obsolete date
Date: 2 Jan 24 10:00 EST (Eastern)
Message-ID: <t07@example.com>
In-Reply-To: <a@example.com> (comment) <b@example.com>
References: <a@example.com>

dates
""")),
    ("odd-header-lines", crlf("""\
 continuation at the start
From: odd@example.com
Subject : spaced name
a line without a colon
X-Empty:
Received: from a by b; Mon, 8 Jan 2024 10:00:00 +0000
Received: from c
 by d; Mon, 8 Jan 2024 10:00:01 +0000
Content-Type: text/plain

odd header lines
""")),
    ("multipart-signed", crlf(HEAD + """\
Subject: signed
MIME-Version: 1.0
Content-Type: multipart/signed; protocol="application/pgp-signature"; micalg=pgp-sha256;
 boundary="sig"

--sig
Content-Type: text/plain; charset=us-ascii

signed text
--sig
Content-Type: application/pgp-signature; name="signature.asc"

-----BEGIN PGP SIGNATURE-----
AAAA
-----END PGP SIGNATURE-----
--sig--
""")),
    ("boundary-with-spaces", crlf(HEAD + """\
Subject: quoted boundary with spaces
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="a b  c"

--a b  c
Content-Type: text/plain

spaced boundary
--a b  c--
""")),
    ("comments-in-addresses", crlf("""\
From: <user-from (comment)@ (comment) domain.org>
To: Team: first.last (x) @ example . com, other@example.net;
Cc: =?UTF-8?Q?Z=C3=B6e?= (note) <zoe @ example.org>
Date: Tue, 2 Jan 2024 10:00:00 +0000
Subject: comments and spaces inside addresses

The envelope drops them.
""")),
] + DIGESTS
