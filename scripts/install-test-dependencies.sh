#!/usr/bin/env bash
# Installs what the test suite needs that Swift does not bring: Debian packages (when run as
# root with apt-get available) and Python packages for the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# dovecot-imapd (and dovecot-lmtpd, which the shared Dovecot configuration the benchmarks use
# starts): the peer of the differential test (Tests/EndToEnd/test_dovecot_differential.py);
# isync (mbsync), curl and openssl (s_client -starttls imap): real clients of the end-to-end tests.
# postfix: the MTA in front of Tern's LMTP (Tests/EndToEnd/test_postfix.py), installed without
# a system configuration: the test writes its own.
# sieve-connect: the real ManageSieve client of Tests/EndToEnd/test_managesieve.py.
# roundcube-core, roundcube-sqlite3, php-cli: the webmail of Tests/EndToEnd/test_roundcube.py, served
# by PHP's built-in server (php-cgi satisfies php's web-server dependency instead of Apache;
# Roundcube's own database is made by the test, not by dbconfig-common).
debian_packages=(libsqlite3-dev zlib1g-dev python3-pip dovecot-imapd dovecot-lmtpd isync curl openssl postfix sieve-connect
                 roundcube-core roundcube-sqlite3 php-cli php-cgi php-sqlite3)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    missing=()
    for package in "${debian_packages[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
        echo "roundcube-core roundcube/dbconfig-install boolean false" | debconf-set-selections
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    # The private test Dovecot runs mail processes as this unprivileged user (dovecot_peer.py).
    if ! getent passwd vmail >/dev/null; then
        echo "Creating system user vmail"
        useradd --system --no-create-home --shell /usr/sbin/nologin vmail
    fi
fi

python3 -m pip install --quiet --disable-pip-version-check -r Tests/EndToEnd/requirements.txt
