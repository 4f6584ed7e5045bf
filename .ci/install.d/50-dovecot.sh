#!/usr/bin/env bash
# Dovecot auth tests: a real Dovecot 2.3 (auth service only, started by the tests from a temp dir)
# and socat, which the TLS test puts in front of Dovecot's plaintext auth listener.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v dovecot >/dev/null || ! command -v doveadm >/dev/null || ! command -v socat >/dev/null \
   || ! command -v openssl >/dev/null; then
  apt-get install -o DPkg::Lock::Timeout=900 -y -q dovecot-core socat openssl >/dev/null
fi
# the package's own instance is not wanted: the tests start their own from a temp dir
if command -v systemctl >/dev/null && systemctl is-active --quiet dovecot 2>/dev/null; then
  systemctl stop dovecot >/dev/null 2>&1 || true
fi
