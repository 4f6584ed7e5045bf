#!/usr/bin/env bash
# Queuefile: real Exim 4.96 (Debian exim4-daemon-light) reads and writes the Exim spool files in the
# interoperability tests. The package conflicts with postfix (both are "the" MTA, and another feature's tests
# need postfix), so the exim4 binary is unpacked from the .deb into /opt/jexim-exim4 instead of being installed
# as the system MTA; its libraries and the Debian-exim user are installed/created normally. The tests run it
# with their own configuration and spool in a temporary directory; no Exim daemon is ever started.
set -euo pipefail
PREFIX=/opt/jexim-exim4
if [ ! -x "$PREFIX/usr/sbin/exim4" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=900 -y -q --no-install-recommends \
    libdb5.3 libgnutls-dane0 libgnutls30 libidn12 libidn2-0 libnsl2 libpcre2-8-0 libcrypt1 >/dev/null
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -q exim4-daemon-light >/dev/null)
  mkdir -p "$PREFIX"
  dpkg-deb -x "$tmp"/exim4-daemon-light_*.deb "$PREFIX"
  rm -rf "$tmp"
fi
getent group Debian-exim >/dev/null || groupadd --system Debian-exim
getent passwd Debian-exim >/dev/null || useradd --system --gid Debian-exim --no-create-home \
  --home-dir /var/spool/exim4 --shell /usr/sbin/nologin Debian-exim
# Check the binary runs. Without -C, -bV reads /etc/exim4/exim4.conf, which this machine has only if exim4-config
# was ever installed ("non-existent configuration file(s)", exit 1); the tests always pass their own -C.
conf=$(mktemp)
printf 'primary_hostname = install-check.invalid\n' >"$conf"
chmod 644 "$conf"
"$PREFIX/usr/sbin/exim4" -C "$conf" -bV >/dev/null
rm -f "$conf"
