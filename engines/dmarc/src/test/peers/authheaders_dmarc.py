#!/usr/bin/python3
"""DMARC peer harness around Debian's python3-authheaders (dmarc_per_from, Debian's publicsuffix list).

    authheaders_dmarc.py [--dmarcbis] < cases.json   -> one JSON result per case, in order
    authheaders_dmarc.py bench CASES.json SECONDS    -> {"ops_per_s": .., "ops_per_cpu_s": ..} (the first case)

Cases as mailauth_dmarc.js reads them. authheaders takes one DKIM result: the first passing one is given.
"""
import json
import sys

from authheaders import dmarc_per_from


class Spf:
    def __init__(self, result, domain):
        self.result = result
        self.smtp_mailfrom = domain


class Dkim:
    def __init__(self, result, domain):
        self.result = result
        self.header_d = domain


def one(c, bis):
    dns = {k.rstrip('.').lower(): v for k, v in (c.get('dns') or {}).items()}

    def dnsfunc(name, *args):
        v = dns.get(name.rstrip('.').lower())
        if not v or v == 'TEMPERROR':
            return None
        return v[0]

    spf = Spf(c['spf'][0], 'postmaster@' + c['spf'][1]) if c.get('spf') else None
    passing = [d for d in (c.get('dkim') or []) if d[1] == 'pass']
    dkim = Dkim('pass', passing[0][0]) if passing else None
    domain = c['from'].rsplit('@', 1)[-1].lower()
    result, comment, _, policy = dmarc_per_from(domain, spf, dkim, dnsfunc=dnsfunc, dmarcbis=bis)
    return {'result': result, 'policy': policy or '', 'comment': comment}


def bench(file, seconds):
    import time
    with open(file) as f:
        c = json.load(f)[0]
    one(c, False)
    n = 0
    cpu0, t0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        one(c, False)
        n += 1
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(json.dumps({'ops_per_s': n / wall, 'ops_per_cpu_s': n / cpu}))


def main():
    if sys.argv[1:2] == ['bench']:
        return bench(sys.argv[2], float(sys.argv[3]))
    bis = '--dmarcbis' in sys.argv[1:]
    cases = json.load(sys.stdin)
    print(json.dumps([one(c, bis) for c in cases]))


if __name__ == '__main__':
    main()
