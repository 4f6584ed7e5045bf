#!/usr/bin/env bash
# ARC throughput in one run, on one core (taskset -c 1), one thread each:
#   1. the inputs (benchmarks/…/ArcBenchData: 13 header fields, 4 KiB / 100 KiB bodies, RSA-2048 keys per hop)
#   2. the peers on those same files: dkimpy (Debian python3-dkim), Mail::DKIM (Debian), mailauth (npm),
#      through engines/arc/src/test/peers/*_arc.* bench modes (DNS from memory, PEER_SECONDS per cell)
#   3. our engine under JMH (JDK providers and Amazon Corretto Crypto Provider; RSA-2048 and Ed25519)
#   4. openssl speed rsa2048 (the native ceiling: a seal is two signatures)
# Prints a markdown table (also written to $OUT/arc-bench.md).
# Usage: ./mvnw -B -q -pl benchmarks -am package -DskipTests && benchmarks/arc/run.sh [OUTDIR]
# Peers are installed by .ci/install.d/30-arc.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-$(mktemp -d)}
PEER_SECONDS=${PEER_SECONDS:-4}
JAR=benchmarks/target/benchmarks.jar
PEERS=engines/arc/src/test/peers
CPU="taskset -c 1"
mkdir -p "$OUT"
java -cp "$JAR" org.jamesexim.bench.arc.ArcBenchData "$OUT"
: > "$OUT/peers.txt"
for peer in "dkimpy:/usr/bin/python3 $PEERS/dkimpy_arc.py" "maildkim:/usr/bin/perl $PEERS/maildkim_arc.pl" "mailauth:node $PEERS/mailauth_arc.js"; do
  name=${peer%%:*}; cmd=${peer#*:}
  for size in 4k 100k; do
    for op in verify1 verify3 seal1 seal3; do
      if [[ $op == verify* ]]; then
        r=$($CPU $cmd bench verify "$OUT/dns.json" "$OUT/$op-$size.eml" "$PEER_SECONDS")
      else
        r=$($CPU $cmd bench seal "$OUT/dns.json" "$OUT/$op-$size.eml" "$PEER_SECONDS" seal.bench.example sel "$OUT/seal.pem" mx.seal.bench.example)
      fi
      echo "$name $size $op $r" | tee -a "$OUT/peers.txt"
    done
  done
done
$CPU java -Djmh.ignoreLock=true -jar "$JAR" 'org.jamesexim.bench.arc.ArcBenchmark' -f 1 -t 1 -wi 3 -w 2s -i 3 -r 2s \
  -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.txt"
# the JCA ceiling under the seal figures (one SHA256withRSA signature, JDK and ACCP)
$CPU java -Djmh.ignoreLock=true -jar "$JAR" 'org.jamesexim.bench.arc.RsaSignCeiling' -f 1 -t 1 -wi 3 -w 2s -i 3 -r 2s \
  -rf json -rff "$OUT/ceiling.json" > "$OUT/ceiling.txt"
$CPU openssl speed -seconds 5 rsa2048 2>/dev/null | tail -1 | tee "$OUT/openssl.txt"
/usr/bin/python3 - "$OUT" <<'PY' | tee "$OUT/arc-bench.md"
import json, sys, os
out = sys.argv[1]
peers = {}
for line in open(os.path.join(out, 'peers.txt')):
    name, size, op, js = line.split(' ', 3)
    peers[(name, size, op)] = json.loads(js)
jmh = {}
for r in json.load(open(os.path.join(out, 'jmh.json'))):
    p = r['params']
    op = {'verify1Hop': 'verify1', 'verify3Hops': 'verify3', 'sealI1': 'seal1', 'sealI3': 'seal3'}[r['benchmark'].rsplit('.', 1)[1]]
    size = '4k' if p['size'] == '4096' else '100k'
    sec = r['secondaryMetrics']
    cpu = sec['calls']['score'] / (sec['cpuNanos']['score'] / 1e9)
    jmh[(p['alg'], p['provider'], size, op)] = (cpu, r['primaryMetric']['score'], r['primaryMetric']['scoreError'])
ossl = open(os.path.join(out, 'openssl.txt')).read().split()
sign_s, verify_s = float(ossl[-2]), float(ossl[-1])
ops = ['verify1', 'verify3', 'seal1', 'seal3']
ours = [('rsa2048', 'accp', 'ours RSA-2048, ACCP (native)'), ('rsa2048', 'jdk', 'ours RSA-2048, JDK only'),
        ('ed25519', 'jdk', 'ours Ed25519 (Bouncy Castle)'), ('ed25519', 'accp', 'ours Ed25519, ACCP digests')]
theirs = [('dkimpy', 'dkimpy 1.1.4'), ('maildkim', 'Mail::DKIM 1.20230212'), ('mailauth', 'mailauth 4.13.3')]
for title, pick_ours, pick_peer in [
        ('messages per CPU-second (process CPU time; comparable with openssl speed)', lambda c: '%.0f' % c[0], 'ops_per_cpu_s'),
        ('messages per wall-clock second (JMH score ± 99.9% error; the machine is shared)', lambda c: '%.0f ± %.0f' % (c[1], c[2]), 'ops_per_s')]:
    print('### ' + title)
    print()
    print('| one core, one thread | body | verify 1 hop | verify 3 hops | seal i=1 | seal i=3 |')
    print('|---|---|---|---|---|---|')
    for size in ['4k', '100k']:
        for alg, prov, label in ours:
            print('| %s | %s | %s |' % (label, size, ' | '.join(pick_ours(jmh[(alg, prov, size, op)]) if (alg, prov, size, op) in jmh else '-' for op in ops)))
        for name, label in theirs:
            print('| %s | %s | %s |' % (label, size, ' | '.join('%.0f' % peers[(name, size, op)][pick_peer] for op in ops)))
    print()
for r in json.load(open(os.path.join(out, 'ceiling.json'))):
    sec = r['secondaryMetrics']
    print('JCA RSA-2048 sign, %s: %.0f/CPU-s' % (r['params']['provider'], sec['calls']['score'] / (sec['cpuNanos']['score'] / 1e9)))
print('openssl speed rsa2048 (one core, CPU time): %.0f sign/s, %.0f verify/s; seal ceiling (2 signs) %.0f/s, 80%% = %.0f/s'
      % (sign_s, verify_s, sign_s / 2, 0.8 * sign_s / 2))
PY
