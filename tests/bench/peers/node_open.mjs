#!/usr/bin/env node
// node_open.mjs N FILE: the open workload's peer: FILE read and parsed with JSON.parse (and
// nothing drawn), timed in the process; one JSON line like loopscope-bench open's.

import fs from 'node:fs';
import process from 'node:process';

const [n, file] = [Number(process.argv[2]), process.argv[3]];
const size = fs.statSync(file).size;
const t0 = performance.now();
let doc;
try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
    // V8 strings stop at 512 MB: a bigger file cannot be parsed at all.
    console.log(JSON.stringify({ peer: 'node', workload: 'open', n, file_mb: size / 1048576,
        error: String(e.code || e.message) }));
    process.exit(0);
}
const seconds = (performance.now() - t0) / 1000;
if (!Array.isArray(doc.traceEvents)) {
    process.stderr.write('node_open: no traceEvents\n');
    process.exit(1);
}
const peak = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({
    peer: 'node', workload: 'open', n, open_s: seconds, peak_rss_mb: peak / 1048576,
    file_mb: size / 1048576, rss_over_file: peak / size,
}));
