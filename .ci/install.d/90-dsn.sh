#!/usr/bin/env bash
# DSN extra information: the end-to-end test delivers to Postfix's smtp-sink (a real SMTP server that rejects
# RCPT with -f rcpt). Only the binary is used; the Postfix daemon is not configured or started.
set -euo pipefail
if [ -x /usr/sbin/smtp-sink ]; then exit 0; fi
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=900 --no-install-recommends postfix >/dev/null
