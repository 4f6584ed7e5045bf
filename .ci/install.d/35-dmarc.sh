#!/usr/bin/env bash
# DMARC differential peers (engines/dmarc interop tests, the DMARC benchmark): Debian python3-authheaders
# (dmarc_per_from over Debian's publicsuffix list; it pulls python3-publicsuffix2, python3-dnspython, python3-spf).
# The other peer, npm mailauth, is the ARC tests' copy (30-arc.sh).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(python3-authheaders publicsuffix)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
