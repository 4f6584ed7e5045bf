#!/usr/bin/env bash
# ARC interoperability peers (used by engines/arc interop tests and the ARC benchmark script):
#  - Debian python3-dkim (dkimpy: arcsign / arcverify, dkim.arc_sign / dkim.arc_verify)
#  - Debian libmail-dkim-perl (Mail::DKIM::ARC::Signer / Verifier) + Net::DNS::Resolver::Mock for in-process DNS
#  - npm mailauth, installed into engines/arc/src/test/peers/node_modules (project folder, pinned version)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
need=""
for p in python3-dkim python3-authres python3-nacl python3-yaml libmail-dkim-perl libnet-dns-resolver-mock-perl libyaml-libyaml-perl libjson-perl nodejs npm; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
# nodejs may come from another repository without a separate npm package
if command -v npm >/dev/null 2>&1; then need="${need/ npm/}"; fi
if command -v node >/dev/null 2>&1; then need="${need/ nodejs/}"; fi
if [ -n "$need" ]; then
  apt-get install -y -q $need >/dev/null
fi
peers=engines/arc/src/test/peers
if [ ! -d "$peers/node_modules/mailauth" ]; then
  (cd "$peers" && npm install --no-audit --no-fund --silent >/dev/null)
fi
