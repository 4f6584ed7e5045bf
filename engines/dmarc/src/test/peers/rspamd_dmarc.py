#!/usr/bin/python3
"""DMARC peer harness around a real Rspamd (its spf, dkim and dmarc modules), DNS from a server of its own.

    rspamd_dmarc.py RSPAMD_BINARY < cases.json   -> one JSON result per case, in order

Cases as mailauth_dmarc.js reads them. Rspamd computes SPF and DKIM itself, so each case becomes real inputs: the
envelope sender bounce@<spf domain> under the SPF record v=spf1 ip4:192.0.2.1 -all, sent from 192.0.2.1 for "pass"
and from 198.51.100.1 for "fail"; each DKIM entry a dkimpy signature with d=<domain> and a selector of the case's own,
by the published key for "pass", by another key for "fail" (Rspamd caches SPF records for at least 5 minutes and DKIM
keys for a day, so nothing a cache holds differs between cases). A small UDP DNS server (dnspython) answers the
case's records, SERVFAIL for "TEMPERROR".
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import dkim
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

RECORDS = {}


def serve(sock):
    while True:
        try:
            data, addr = sock.recvfrom(4096)
        except OSError:
            return
        try:
            q = dns.message.from_wire(data)
            r = dns.message.make_response(q)
            r.flags |= dns.flags.AA
            qn = q.question[0]
            name = qn.name.to_text(omit_final_dot=True).lower()
            v = RECORDS.get(name)
            if v == 'TEMPERROR':
                r.set_rcode(dns.rcode.SERVFAIL)
            elif v is None:
                r.set_rcode(dns.rcode.NXDOMAIN)
            elif qn.rdtype == dns.rdatatype.TXT:
                texts = []
                for t in v:
                    chunks = ' '.join('"%s"' % t[i:i + 250].replace('"', '\\"') for i in range(0, len(t), 250))
                    texts.append(chunks)
                r.answer.append(dns.rrset.from_text(qn.name, 60, 'IN', 'TXT', *texts))
            sock.sendto(r.to_wire(), addr)
        except Exception as e:  # a query we cannot parse: no answer
            sys.stderr.write('dns: %r\n' % e)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def keys(d):
    good = subprocess.run(['openssl', 'genrsa', '2048'], capture_output=True, check=True).stdout
    bad = subprocess.run(['openssl', 'genrsa', '2048'], capture_output=True, check=True).stdout
    pub = subprocess.run(['openssl', 'rsa', '-pubout', '-outform', 'DER'], input=good, capture_output=True,
                         check=True).stdout
    import base64
    return good, bad, 'v=DKIM1; k=rsa; p=' + base64.b64encode(pub).decode()


def start_rspamd(binary, d, dns_port):
    port = free_port()
    local = os.path.join(d, 'local.d')
    os.makedirs(local)
    for sub in ('db', 'run'):
        os.makedirs(os.path.join(d, sub))
    with open(os.path.join(d, 'rspamd.conf'), 'w') as f:
        f.write('.include "$CONFDIR/common.conf"\n'
                'options {\n  pidfile = "$RUNDIR/rspamd.pid";\n  .include "$CONFDIR/options.inc"\n'
                '  .include(try=true; priority=1,duplicate=merge) "$LOCAL_CONFDIR/local.d/options.inc"\n}\n'
                'logging { type = "console"; level = "info"; }\n'
                'worker "normal" { bind_socket = "127.0.0.1:%d"; .include "$CONFDIR/worker-normal.inc"; count = 1; }\n'
                % port)
    with open(os.path.join(local, 'options.inc'), 'w') as f:
        f.write('dns { nameserver = ["127.0.0.1:%d"]; timeout = 1s; retransmits = 1; }\n' % dns_port)
    for m in ('rbl', 'surbl', 'emails', 'fuzzy_check', 'asn', 'arc', 'hfilter', 'multimap', 'phishing', 'whitelist',
              'greylist', 'ratelimit', 'replies', 'neural', 'history_redis', 'url_redirector', 'mx_check',
              'dkim_signing', 'arc', 'milter_headers', 'once_received', 'rbl'):
        with open(os.path.join(local, m + '.conf'), 'w') as f:
            f.write('enabled = false;\n')
    log = open(os.path.join(d, 'rspamd.log'), 'w')
    p = subprocess.Popen([binary, '-f', '-u', 'root', '-g', 'root', '-c', os.path.join(d, 'rspamd.conf'),
                          '--var=LOCAL_CONFDIR=' + d, '--var=DBDIR=' + os.path.join(d, 'db'),
                          '--var=RUNDIR=' + os.path.join(d, 'run')], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen('http://127.0.0.1:%d/ping' % port, timeout=1).read().strip() == b'pong':
                return p, port
        except Exception:
            time.sleep(0.2)
        if p.poll() is not None:
            break
    p.kill()
    raise SystemExit('rspamd did not start: ' + open(os.path.join(d, 'rspamd.log')).read()[-2000:])


def message(c, good, bad, n):
    frm = c['from']
    body = ('From: Alice <%s>\r\nTo: bob@receiver.example\r\nSubject: case %d\r\n'
            'Date: Thu, 03 Dec 2026 08:00:00 +0000\r\nMessage-ID: <case-%d@harness.example>\r\n\r\nhello %d\r\n'
            % (frm, n, n, n)).encode()
    sigs = b''
    for domain, result in c.get('dkim') or []:
        key = good if result == 'pass' else bad
        sig = dkim.sign(body, b'sel%d' % n, domain.encode(), key, include_headers=[b'from', b'to', b'subject', b'date'])
        sigs = sig + sigs
    return sigs + body


def result(js):
    symbols = js.get('symbols', {})
    table = [('DMARC_POLICY_ALLOW', 'pass'), ('DMARC_POLICY_REJECT', 'fail'), ('DMARC_POLICY_QUARANTINE', 'fail'),
             ('DMARC_POLICY_SOFTFAIL', 'fail'), ('DMARC_DNSFAIL', 'temperror'), ('DMARC_BAD_POLICY', 'permerror'),
             ('DMARC_NA', 'none')]
    for sym, word in table:
        if sym in symbols:
            opts = symbols[sym].get('options') or []
            policy = opts[1] if len(opts) > 1 else ''
            return {'result': word, 'policy': policy, 'symbol': sym, 'options': opts}
    return {'result': 'none', 'policy': '', 'symbol': '', 'options': sorted(symbols)}


def main():
    binary = sys.argv[1]
    cases = json.load(sys.stdin)
    d = tempfile.mkdtemp(prefix='dmarc-rspamd-')
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 0))
    threading.Thread(target=serve, args=(sock,), daemon=True).start()
    good, bad, record = keys(d)
    proc, port = start_rspamd(binary, d, sock.getsockname()[1])
    out = []
    try:
        for n, c in enumerate(cases):
            RECORDS.clear()
            for k, v in (c.get('dns') or {}).items():
                RECORDS[k.rstrip('.').lower()] = v
            for domain, _ in c.get('dkim') or []:
                RECORDS['sel%d._domainkey.%s' % (n, domain.lower())] = [record]
            spf = c.get('spf')
            mail_from = 'bounce@unrelated-%d.example' % n
            ip = '192.0.2.1'
            if spf:
                mail_from = 'bounce@' + spf[1]
                RECORDS[spf[1].lower()] = ['v=spf1 ip4:192.0.2.1 -all']
                ip = '192.0.2.1' if spf[0] == 'pass' else '198.51.100.1'
            req = urllib.request.Request('http://127.0.0.1:%d/checkv2' % port, data=message(c, good, bad, n),
                                         headers={'IP': ip, 'From': mail_from, 'Helo': 'mx.sender.example',
                                                  'Rcpt': 'bob@receiver.example'})
            out.append(result(json.loads(urllib.request.urlopen(req, timeout=30).read())))
    finally:
        proc.terminate()
        proc.wait(10)
        sock.close()
        shutil.rmtree(d, ignore_errors=True)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
