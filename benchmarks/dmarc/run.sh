#!/usr/bin/env bash
# DMARC evaluations per second in one run, on one core (taskset -c 1), one thread each:
#   1. the inputs (benchmarks/.../DmarcBenchData: pass, subdomain, psl; DNS answered from memory)
#   2. the peers on those same case files: mailauth (npm, the ARC tests' copy) and authheaders (Debian
#      python3-authheaders), through engines/dmarc/src/test/peers/* bench modes (PEER_SECONDS per cell)
#   3. our engine under JMH (DmarcBenchmark.evaluate per case, parseRecord once)
# Prints a markdown table (also written to $OUT/dmarc-bench.md).
# Usage: ./mvnw -B -q -pl benchmarks -am package -DskipTests && benchmarks/dmarc/run.sh [OUTDIR]
# Peers are installed by .ci/install.d/30-arc.sh (mailauth) and .ci/install.d/35-dmarc.sh (authheaders).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-$(mktemp -d)}
PEER_SECONDS=${PEER_SECONDS:-4}
JAR=benchmarks/target/benchmarks.jar
PEERS=engines/dmarc/src/test/peers
MAILAUTH=$PWD/engines/arc/src/test/peers/node_modules/mailauth
CPU="taskset -c 1"
mkdir -p "$OUT"
java -cp "$JAR" org.jamesexim.bench.dmarc.DmarcBenchData "$OUT"
: > "$OUT/peers.txt"
for c in pass subdomain psl; do
  echo "mailauth $c $($CPU node $PEERS/mailauth_dmarc.js "$MAILAUTH" bench "$OUT/$c.json" "$PEER_SECONDS")" | tee -a "$OUT/peers.txt"
  echo "authheaders $c $($CPU /usr/bin/python3 $PEERS/authheaders_dmarc.py bench "$OUT/$c.json" "$PEER_SECONDS")" | tee -a "$OUT/peers.txt"
done
$CPU java -Djmh.ignoreLock=true -jar "$JAR" 'org.jamesexim.bench.dmarc.DmarcBenchmark.evaluate' -f 1 -t 1 -wi 3 -w 2s -i 3 -r 2s \
  -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.txt"
$CPU java -Djmh.ignoreLock=true -jar "$JAR" 'org.jamesexim.bench.dmarc.DmarcBenchmark.parseRecord' -p kind=pass -f 1 -t 1 -wi 3 -w 2s -i 3 -r 2s \
  -rf json -rff "$OUT/parse.json" > "$OUT/parse.txt"
/usr/bin/python3 - "$OUT" <<'PY' | tee "$OUT/dmarc-bench.md"
import json, sys, os
out = sys.argv[1]
peers = {}
for line in open(os.path.join(out, 'peers.txt')):
    name, case, js = line.split(' ', 2)
    peers[(name, case)] = json.loads(js)
def ours(file):
    res = {}
    for r in json.load(open(os.path.join(out, file))):
        sec = r['secondaryMetrics']
        res[r['params']['kind']] = (sec['calls']['score'] / (sec['cpuNanos']['score'] / 1e9), r['primaryMetric']['score'],
                                    r['primaryMetric']['scoreError'])
    return res
ev, parse = ours('jmh.json'), ours('parse.json')
cases = ['pass', 'subdomain', 'psl']
print('| one core, one thread | ' + ' | '.join(cases) + ' |')
print('|---|' + '---|' * len(cases))
print('| ours, per CPU-second | ' + ' | '.join('%.0f' % ev[c][0] for c in cases) + ' |')
print('| ours, per wall-clock second (JMH ± 99.9%) | ' + ' | '.join('%.0f ± %.0f' % (ev[c][1], ev[c][2]) for c in cases) + ' |')
for name, label in [('mailauth', 'mailauth 4.13.3'), ('authheaders', 'authheaders 0.15.2')]:
    print('| %s, per CPU-second | ' % label + ' | '.join('%.1f' % peers[(name, c)]['ops_per_cpu_s'] for c in cases) + ' |')
    print('| %s, per wall-clock second | ' % label + ' | '.join('%.1f' % peers[(name, c)]['ops_per_s'] for c in cases) + ' |')
print()
print('record parser alone (ours): %.0f records per CPU-second, %.0f ± %.0f per wall-clock second'
      % (parse['pass'][0], parse['pass'][1], parse['pass'][2]))
PY
