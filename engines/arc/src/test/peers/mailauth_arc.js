#!/usr/bin/env node
// ARC peer harness around npm mailauth, DNS answered from a JSON file.
//   mailauth_arc.js verify DNS.json < msg                                   -> {"state":..,"reason":..}
//   mailauth_arc.js seal DNS.json DOMAIN SELECTOR KEYFILE SRVID [NOW] < msg  -> sealed message
//   mailauth_arc.js bench verify|seal DNS.json MSGFILE SECONDS [DOMAIN SELECTOR KEYFILE SRVID]
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { dkimVerify } = require('mailauth/lib/dkim/verify');
const { arc, sealMessage } = require('mailauth/lib/arc');

function resolverFrom(file) {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    const records = {};
    for (const [k, v] of Object.entries(raw)) records[k.replace(/\.$/, '').toLowerCase()] = v.replace(/\s+/g, ' ');
    return async (name, type) => {
        const v = records[name.replace(/\.$/, '').toLowerCase()];
        if (type !== 'TXT' || v === undefined) {
            const e = new Error('not found: ' + name);
            e.code = 'ENOTFOUND';
            throw e;
        }
        const chunks = [];
        for (let i = 0; i < v.length; i += 250) chunks.push(v.slice(i, i + 250));
        return [chunks];
    };
}

async function verify(msg, resolver) {
    const dkimResult = await dkimVerify(msg, { resolver });
    const r = await arc(dkimResult.arc, { resolver });
    const ams = dkimResult.arc && dkimResult.arc.lastEntry && dkimResult.arc.lastEntry.messageSignature;
    return { state: (r.status && r.status.result) || 'none', reason: (r.status && r.status.comment) || '',
        ams: (ams && ams.status && ams.status.result) || '' };
}

// consolidates our A-R (authserv-id SRVID) as the suite's README describes; cv from its arc= result
function ourResults(msg, srvid) {
    const head = msg.toString('binary').split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
    const results = [];
    for (const line of head.split(/\r?\n/)) {
        const m = /^authentication-results:\s*([^;\s]+)\s*;(.*)$/i.exec(line);
        if (m && m[1].toLowerCase() === srvid.toLowerCase()) {
            for (const r of m[2].split(';')) if (r.trim()) results.push(r.trim().replace(/\s+/g, ' '));
        }
    }
    const arcRes = results.map(r => /^arc=(\w+)/i.exec(r)).find(x => x);
    return { authResults: srvid + '; ' + (results.length ? results.join('; ') : 'none'), cv: arcRes ? arcRes[1].toLowerCase() : 'none' };
}

async function seal(msg, domain, selector, keyPem, srvid, now) {
    const { authResults, cv } = ourResults(msg, srvid);
    const opts = { signingDomain: domain, selector, privateKey: keyPem, authResults, cv };
    if (crypto.createPrivateKey(keyPem).asymmetricKeyType === 'ed25519') opts.algorithm = 'ed25519-sha256';
    if (now) opts.signTime = new Date(now * 1000);
    const headers = await sealMessage(msg, opts);
    return Buffer.concat([headers, msg]);
}

async function main() {
    const [cmd, ...args] = process.argv.slice(2);
    const readStdin = () => fs.readFileSync(0);
    if (cmd === 'verify') {
        process.stdout.write(JSON.stringify(await verify(readStdin(), resolverFrom(args[0]))) + '\n');
    } else if (cmd === 'seal') {
        const [dns, domain, selector, keyfile, srvid, now] = args;
        process.stdout.write(await seal(readStdin(), domain, selector, fs.readFileSync(keyfile), srvid, now ? Number(now) : 0));
    } else if (cmd === 'bench') {
        const [what, dns, msgfile, seconds, domain, selector, keyfile, srvid] = args;
        const resolver = resolverFrom(dns);
        const msg = fs.readFileSync(msgfile);
        let op;
        if (what === 'verify') {
            op = async () => { const r = await verify(msg, resolver); if (r.state !== 'pass') throw new Error('not pass: ' + JSON.stringify(r)); };
        } else {
            const key = fs.readFileSync(keyfile);
            op = async () => { await seal(msg, domain, selector, key, srvid, 1700000000); };
        }
        await op();
        let n = 0;
        const cpu0 = process.cpuUsage();
        const start = process.hrtime.bigint();
        const limit = BigInt(Math.round(Number(seconds) * 1e9));
        while (process.hrtime.bigint() - start < limit) { await op(); n++; }
        const secs = Number(process.hrtime.bigint() - start) / 1e9;
        const cpu = process.cpuUsage(cpu0);
        process.stdout.write(JSON.stringify({ ops_per_s: n / secs, ops_per_cpu_s: n / ((cpu.user + cpu.system) / 1e6) }) + '\n');
    } else {
        throw new Error('unknown command ' + cmd);
    }
}

main().catch(e => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
