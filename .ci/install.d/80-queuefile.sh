#!/usr/bin/env bash
# Queuefile: real Exim (Debian exim4-daemon-light) reads and writes the Exim spool files in the interoperability
# tests. The tests run Exim with their own configuration and spool in a temporary directory; the system daemon
# is never started (policy-rc.d in containers; the tests never call the init script).
set -euo pipefail
if ! command -v exim4 >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=900 -y -q exim4-daemon-light >/dev/null
fi
