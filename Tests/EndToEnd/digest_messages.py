"""Mailing-list digests, as real lists send them, for the Dovecot differential test (they join
`tricky_messages.MESSAGES`):

- a Mailman 2.0 MIME digest, `multipart/mixed` with `boundary="__--__--"`: a boundary that
  itself ends in "--", so that every delimiter line `--__--__--` looks like a close delimiter
  of a boundary `__--__` (RFC 2046 §5.1.1: the close delimiter is the delimiter and "--");
- a `multipart/digest` with the same boundary, whose parts without Content-Type are
  message/rfc822 (RFC 2046 §5.1.5), one of them a multipart, one quoted-printable;
- a MIME digest in the style of RFC 2046 §5.1.5 / RFC 1341: `multipart/mixed` around a
  `multipart/digest` whose boundary has spaces and dashes, with defaulted, explicit
  message/rfc822 and explicit text/plain parts, and a part header before the defaulted one;
- an RFC 1153 plain-text digest (one text/plain body, no MIME);
- two messages whose nested boundaries differ only by a trailing "--"."""


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


MAILMAN_MIXED = crlf("""\
From: mailman-users-request@python.org
Subject: Mailman-Users digest, Vol 1 #1234 - 3 msgs
Reply-To: mailman-users@python.org
X-Mailer: Mailman v2.0.13
MIME-version: 1.0
Content-type: multipart/mixed; boundary="__--__--"
Message-ID: <20020605160004.12345.8765.Mailman@mail.python.org>
Sender: mailman-users-admin@python.org
Errors-To: mailman-users-admin@python.org
X-BeenThere: mailman-users@python.org
X-Mailman-Version: 2.0.13 (101270)
Precedence: bulk
List-Id: Mailman mailing list management users <mailman-users.python.org>
To: mailman-users@python.org
Date: Wed, 05 Jun 2002 12:00:04 -0400

--__--__--

Send Mailman-Users mailing list submissions to
\tmailman-users@python.org

You can reach the person managing the list at
\tmailman-users-admin@python.org

Today's Topics:

   1. Re: moving lists between servers (Jon Carnes)
   2. archive search (Ruth Ivimey-Cook)
   3. Re: archive search (Jon Carnes)

--__--__--

Message: 1
From: Jon Carnes <jonc@nc.rr.com>
To: mailman-users@python.org
Subject: Re: [Mailman-Users] moving lists between servers
Date: 05 Jun 2002 09:13:22 -0400

Copy the lists/ and archives/ directories, then run fix_url.py on each list.

--__--__--

Message: 2
Date: Wed, 05 Jun 2002 15:02:51 +0100
From: Ruth Ivimey-Cook <ruth@ivimey.org>
To: mailman-users@python.org
Subject: [Mailman-Users] archive search
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Is there a way to search the pipermail archives? Gr=FC=DFe, Ruth

--__--__--

Message: 3
From: Jon Carnes <jonc@nc.rr.com>
To: Ruth Ivimey-Cook <ruth@ivimey.org>
Cc: mailman-users@python.org
Subject: Re: [Mailman-Users] archive search
Date: 05 Jun 2002 10:40:07 -0400

Use htdig; see the FAQ, entry 4.11.



--__--__--

_______________________________________________
Mailman-Users mailing list
Mailman-Users@python.org
http://mail.python.org/mailman/listinfo/mailman-users


End of Mailman-Users Digest

--__--__----
""")

MAILMAN_DIGEST = crlf("""\
From: mailman-developers-request@python.org
Subject: Mailman-Developers digest, Vol 2 #17 - 3 msgs
To: mailman-developers@python.org
Date: Thu, 06 Jun 2002 12:00:01 -0400
Message-ID: <20020606160001.2222.1111.Mailman@mail.python.org>
MIME-Version: 1.0
Content-Type: multipart/digest; boundary="__--__--"

--__--__--
Content-Type: text/plain; charset=us-ascii
Content-Description: Masthead (Mailman-Developers digest, Vol 2 #17)

Send Mailman-Developers mailing list submissions to
\tmailman-developers@python.org

--__--__--

Message: 1
Date: Thu, 06 Jun 2002 08:01:12 -0400
From: Barry Warsaw <barry@zope.com>
To: mailman-developers@python.org
Subject: [Mailman-Developers] digest boundaries

Digest boundaries end in two dashes, so watch out for them.

--__--__--

Message: 2
Date: Thu, 06 Jun 2002 09:30:00 -0400
From: "Chuq Von Rospach" <chuqui@plaidworks.com>
To: mailman-developers@python.org
Subject: Re: [Mailman-Developers] digest boundaries
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="inner-alt"

--inner-alt
Content-Type: text/plain; charset=us-ascii

Plain: which readers break on them?
--inner-alt
Content-Type: text/html; charset=us-ascii

<p>HTML: which readers break on them?</p>
--inner-alt--

--__--__--

Message: 3
Date: Thu, 06 Jun 2002 10:05:00 +0200
From: Kai =?iso-8859-1?q?M=FCller?= <kai@example.de>
To: mailman-developers@python.org
Subject: Re: [Mailman-Developers] digest boundaries
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Das Archiv ist durchsuchbar und sch=C3=B6n gegliedert, gr=C3=BC=C3=9Fe =
aus K=C3=B6ln.

--__--__--
Content-Type: text/plain; charset=us-ascii
Content-Description: Digest Footer

_______________________________________________
Mailman-Developers mailing list

--__--__----
""")

MIME_DIGEST = crlf("""\
From: Moderator <owner-widgets@lists.example.net>
To: widgets@lists.example.net
Subject: widgets digest V3 #42
Date: Fri, 7 Jun 2002 06:00:00 +0000
Message-ID: <widgets.digest.3.42@lists.example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="---- main boundary ----"

------ main boundary ----
Content-Type: text/plain

Topics in this digest:
  1. gear ratios
  2. sprocket sizes

------ main boundary ----
Content-Type: multipart/digest; boundary="---- next message ----"

------ next message ----

From: Cal Dwell <cal@widgets.example>
To: widgets@lists.example.net
Subject: gear ratios
Date: Thu, 6 Jun 2002 10:15:00 +0000
Message-ID: <gears.1@widgets.example>

Three to one works for the small sprocket.

------ next message ----
Content-Description: second message of the digest

From: Dana Holt <dana@cogs.example>
To: widgets@lists.example.net
Subject: sprocket sizes
Date: Thu, 6 Jun 2002 11:20:00 +0000
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Sprockets come in 12 and 14 teeth; the 14 is grössere.

------ next message ----
Content-Type: message/rfc822

From: Eve Lund <eve@widgets.example>
Subject: explicit message/rfc822 in a digest
Date: Thu, 6 Jun 2002 12:00:00 +0000

Explicitly typed.

------ next message ----
Content-Type: text/plain

A text/plain part inside the digest, typed explicitly.

------ next message ------

------ main boundary ------
""")

RFC1153_DIGEST = crlf("""\
Date: Sat, 8 Jun 2002 06:00:00 -0700
From: Foo-List Moderator <foo-list-request@example.edu>
Reply-To: foo-list@example.edu
Subject: Foo-List Digest V1 #23
To: foo-list@example.edu
Message-ID: <foo-list.v1.23@example.edu>

Foo-List Digest          Sat, 8 Jun 2002    Volume 1: Issue 23

Today's Topics:
                          Brackets and braces
                          Re: Brackets and braces

----------------------------------------------------------------------

Date: Fri, 7 Jun 2002 13:01:00 -0700
From: Gus Hanley <gus@example.edu>
Subject: Brackets and braces

Which do you prefer, brackets or braces?

------------------------------

Date: Fri, 7 Jun 2002 14:22:00 -0700
From: Ida Jarvis <ida@example.com>
Subject: Re: Brackets and braces

Braces, always.

------------------------------

End of Foo-List Digest V1 #23
*****************************
""")

NESTED_DASHES = crlf("""\
From: a@example.com
Date: Sun, 9 Jun 2002 08:00:00 +0000
Subject: boundaries differing by dashes
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=a

--a
Content-Type: multipart/mixed; boundary="a--"

--a--

one
--a--

two
--a----
--a

three
--a--
""")

NESTED_DASHES_INNER_SHORTER = crlf("""\
From: a@example.com
Date: Sun, 9 Jun 2002 08:30:00 +0000
Subject: boundaries differing by dashes, inner shorter
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="a--"

--a--
Content-Type: multipart/mixed; boundary=a

--a

one
--a--

two
--a----

three
--a----
""")

DIGESTS = [
    ("mailman-digest", MAILMAN_MIXED),
    ("mailman-multipart-digest", MAILMAN_DIGEST),
    ("mime-digest", MIME_DIGEST),
    ("rfc1153-digest", RFC1153_DIGEST),
    ("boundaries-differing-by-dashes", NESTED_DASHES),
    ("boundaries-differing-by-dashes-inner-shorter", NESTED_DASHES_INNER_SHORTER),
]
