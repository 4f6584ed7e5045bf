#!/usr/bin/python3
"""ARC peer harness around Debian's dkimpy (python3-dkim), DNS answered from a JSON file.

  dkimpy_arc.py verify DNS.json < msg                       -> {"state": ..., "reason": ...}
  dkimpy_arc.py seal DNS.json DOMAIN SELECTOR KEYFILE SRVID [NOW] < msg   -> sealed message
  dkimpy_arc.py bench verify|seal DNS.json MSGFILE SECONDS [DOMAIN SELECTOR KEYFILE SRVID]
                                                            -> {"ops_per_s": ...}
"""
import json
import sys
import time

import dkim


def resolver(path):
    with open(path) as f:
        records = {k.rstrip('.').lower(): v for k, v in json.load(f).items()}

    def dnsfunc(name, timeout=5):
        v = records.get(name.decode().rstrip('.').lower())
        return v.encode() if v is not None else None
    return dnsfunc


def verify(msg, dnsfunc):
    cv, _results, comment = dkim.arc_verify(msg, dnsfunc=dnsfunc)
    return cv.decode().lower(), comment


def seal(msg, domain, selector, key, srvid, now=None):
    sigs = dkim.arc_sign(msg, selector.encode(), domain.encode(), key, srvid.encode(), timestamp=now)
    return b''.join(sigs) + msg


def main():
    cmd = sys.argv[1]
    if cmd == 'verify':
        state, reason = verify(sys.stdin.buffer.read(), resolver(sys.argv[2]))
        print(json.dumps({'state': state, 'reason': reason}))
    elif cmd == 'seal':
        domain, selector, keyfile, srvid = sys.argv[3:7]
        now = int(sys.argv[7]) if len(sys.argv) > 7 else None
        with open(keyfile, 'rb') as f:
            key = f.read()
        sys.stdout.buffer.write(seal(sys.stdin.buffer.read(), domain, selector, key, srvid, now))
    elif cmd == 'bench':
        what, dns, msgfile, seconds = sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
        dnsfunc = resolver(dns)
        with open(msgfile, 'rb') as f:
            msg = f.read()
        if what == 'verify':
            op = lambda: verify(msg, dnsfunc)
            assert op()[0] == 'pass', op()
        else:
            domain, selector, keyfile, srvid = sys.argv[6:10]
            with open(keyfile, 'rb') as f:
                key = f.read()
            op = lambda: seal(msg, domain, selector, key, srvid, 1700000000)
            assert op() != msg
        op()
        n, start, cpu0 = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - start < seconds:
            op()
            n += 1
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
        print(json.dumps({'ops_per_s': n / wall, 'ops_per_cpu_s': n / cpu}))
    else:
        sys.exit('unknown command ' + cmd)


if __name__ == '__main__':
    main()
