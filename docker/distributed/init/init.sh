#!/bin/sh
# One-shot setup shared by all James nodes (docker-compose.yml service "init"); safe to run again.
set -eu
Q=/var/spool/james-queuefile
# QueueFile writes to out/ (shared); every node's QueueFileRequeue reads in/ (shared) and claims into
# in/claimed/<node>/, which it creates itself (queuefile.properties)
mkdir -p "$Q/out" "$Q/in"
chmod 0700 "$Q/out" "$Q/in"
# ArcSeal <key>/etc/james/arc/arc.pem</key>: one key for every node, made once
if [ ! -s /etc/james/arc/arc.pem ]; then
    umask 077
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out /etc/james/arc/arc.pem
fi
# SRS <secretsFile>/etc/james/srs/secrets</secretsFile>: one secret for every node, made once, mode 0600 (docs/srs.md)
if [ ! -s /etc/james/srs/secrets ]; then
    (umask 077; openssl rand -base64 32 > /etc/james/srs/secrets)
fi
chmod 0600 /etc/james/srs/secrets
# SRS database mode <dbpasswordFile>/etc/james/db/password</dbpasswordFile>: the PostgreSQL password, made once, read by
# every node and by the postgres service (POSTGRES_PASSWORD_FILE, as its user, uid 999); mode 0600, never in the configuration
if [ ! -s /etc/james/db/password ]; then
    (umask 077; openssl rand -base64 24 > /etc/james/db/password)
fi
chown 999:999 /etc/james/db/password
chmod 0600 /etc/james/db/password
echo "ARC public key (publish as arc._domainkey.example.test TXT \"v=DKIM1; k=rsa; p=<base64 below>\"):"
openssl pkey -in /etc/james/arc/arc.pem -pubout
