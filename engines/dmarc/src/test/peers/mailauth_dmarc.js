#!/usr/bin/env node
// DMARC peer harness around npm mailauth's DMARC module (installed for the ARC tests by .ci/install.d/30-arc.sh).
//   mailauth_dmarc.js MAILAUTH_DIR < cases.json   -> one JSON result per case, in order
//   mailauth_dmarc.js MAILAUTH_DIR bench CASES.json SECONDS -> {"ops_per_s":..,"ops_per_cpu_s":..} (the first case)
// A case: {"from": "a@b.example", "spf": ["pass", "b.example"], "dkim": [["b.example", "pass"]],
//          "dns": {"_dmarc.b.example": ["v=DMARC1; p=reject"]}}; a dns value "TEMPERROR" fails that lookup.
'use strict';
const fs = require('fs');
const path = require('path');
const mailauthDir = process.argv[2];
const { dmarc } = require(path.join(mailauthDir, 'lib/dmarc'));

function resolverFrom(records) {
    const map = {};
    for (const [k, v] of Object.entries(records || {})) map[k.replace(/\.$/, '').toLowerCase()] = v;
    return async (name, type) => {
        const v = map[name.replace(/\.$/, '').toLowerCase()];
        if (v === 'TEMPERROR') {
            const e = new Error('timeout: ' + name);
            e.code = 'ETIMEOUT';
            throw e;
        }
        if (type !== 'TXT' || v === undefined) {
            const e = new Error('not found: ' + name);
            e.code = 'ENOTFOUND';
            throw e;
        }
        return v.map(t => [t]);
    };
}

async function one(c) {
    const spfDomains = c.spf && c.spf[0] === 'pass' ? [c.spf[1]] : [];
    const dkimDomains = (c.dkim || []).filter(d => d[1] === 'pass').map(d => ({ domain: d[0] }));
    const r = await dmarc({ headerFrom: c.from, spfDomains, dkimDomains, resolver: resolverFrom(c.dns) });
    if (!r) return { result: 'permerror', policy: '', pct: null };
    return { result: r.status.result, policy: r.policy || '', pct: r.pct === undefined ? null : r.pct };
}

async function bench(file, seconds) {
    const c = JSON.parse(fs.readFileSync(file, 'utf8'))[0];
    await one(c);
    let n = 0;
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const limit = BigInt(Math.round(Number(seconds) * 1e9));
    while (process.hrtime.bigint() - start < limit) { await one(c); n++; }
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(JSON.stringify({ ops_per_s: n / secs, ops_per_cpu_s: n / ((cpu.user + cpu.system) / 1e6) }) + '\n');
}

async function main() {
    if (process.argv[3] === 'bench') return bench(process.argv[4], process.argv[5]);
    const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
    const out = [];
    for (const c of cases) out.push(await one(c));
    process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(e => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
