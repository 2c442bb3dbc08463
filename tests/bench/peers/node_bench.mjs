#!/usr/bin/env node
// node_bench.mjs WORKLOAD N: loopscope-bench's workloads on Node's event loop, one JSON line.
//
// A "task" is a call of an async function; gather is Promise.all. sleep(s) is a promise around
// setTimeout; sleep(0) is a promise around setImmediate, which (like asyncio.sleep(0)) yields
// exactly one loop turn instead of waiting for the 1 ms minimum of setTimeout. The semaphore is
// a FIFO queue of resolvers; waitFor races the operation against a timer and, on timeout,
// cancels the operation (clearTimeout of its timer, like an AbortController) and waits for it.

import process from 'node:process';

const IDEAL = {
    spawn_gather: 0.0,
    sleep_gather: 0.1,
    semaphore: 0.0,
    timeout_cancel: 0.05,
    chain: 0.0,
};

class BenchError extends Error {}
class TimeoutError extends Error {}
class CancelledError extends Error {}

function currentRssBytes() {
    return process.memoryUsage.rss();
}

function peakRssBytes() {
    return process.resourceUsage().maxRSS * 1024; // kilobytes
}

function sleep(seconds) {
    if (seconds <= 0)
        return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

// A sleep that can be cancelled: cancel() clears its timer and rejects it with CancelledError.
function cancellableSleep(seconds) {
    let timer;
    let rejectIt;
    const promise = new Promise((resolve, reject) => {
        timer = setTimeout(resolve, seconds * 1000);
        rejectIt = reject;
    });
    return {
        promise,
        cancel() {
            clearTimeout(timer);
            rejectIt(new CancelledError());
        },
    };
}

// asyncio.wait_for: the operation if it ends in time; else it is cancelled, awaited, and
// TimeoutError is thrown.
async function waitFor(op, seconds) {
    const expiredMark = {};
    let timer;
    const expired = new Promise((resolve) => {
        timer = setTimeout(resolve, seconds * 1000, expiredMark);
    });
    const first = await Promise.race([op.promise, expired]);
    if (first !== expiredMark) {
        clearTimeout(timer);
        return first;
    }
    op.cancel();
    try {
        await op.promise;
    } catch (e) {
        if (e instanceof CancelledError)
            throw new TimeoutError();
        throw e;
    }
    throw new TimeoutError();
}

class Semaphore {
    constructor(permits) {
        this.value = permits;
        this.waiters = [];
        this.head = 0; // waiters before head were woken
    }
    acquire() {
        if (this.value > 0 && this.head === this.waiters.length) {
            --this.value;
            return Promise.resolve();
        }
        return new Promise((resolve) => this.waiters.push(resolve));
    }
    release() {
        if (this.head < this.waiters.length) {
            const wake = this.waiters[this.head];
            this.waiters[this.head++] = undefined;
            if (this.head > 1024 && this.head * 2 > this.waiters.length) {
                this.waiters = this.waiters.slice(this.head);
                this.head = 0;
            }
            wake(); // hands the permit over (asyncio's _wake_up_next)
        } else {
            ++this.value;
        }
    }
}

async function yieldOnce() {
    await sleep(0);
}

async function sleepFor(seconds) {
    await sleep(seconds);
}

async function spawnGather(n) {
    const tasks = new Array(n);
    for (let i = 0; i < n; ++i)
        tasks[i] = yieldOnce();
    await Promise.all(tasks);
}

async function sleepGather(n) {
    const tasks = new Array(n);
    for (let i = 0; i < n; ++i)
        tasks[i] = sleepFor(0.1);
    await Promise.all(tasks);
}

async function semaphore(n) {
    const sem = new Semaphore(100);
    let inside = 0;
    let greatest = 0;
    async function holdPermit() {
        await sem.acquire();
        try {
            greatest = Math.max(greatest, ++inside);
            await sleep(0);
            --inside;
        } finally {
            sem.release();
        }
    }
    const tasks = new Array(n);
    for (let i = 0; i < n; ++i)
        tasks[i] = holdPermit();
    await Promise.all(tasks);
    if (greatest !== Math.min(n, 100))
        throw new BenchError(`semaphore: greatest concurrency ${greatest}, expected ${Math.min(n, 100)}`);
}

async function timeoutCancel(n) {
    let timedOut = 0;
    async function timeOutOnce() {
        try {
            await waitFor(cancellableSleep(10.0), 0.05);
        } catch (e) {
            if (!(e instanceof TimeoutError))
                throw e;
            ++timedOut;
        }
    }
    const tasks = new Array(n);
    for (let i = 0; i < n; ++i)
        tasks[i] = timeOutOnce();
    await Promise.all(tasks);
    if (timedOut !== n)
        throw new BenchError(`timeout_cancel: ${timedOut} of ${n} timed out`);
}

async function valueOf(i) {
    return i;
}

async function chain(n) {
    let total = 0;
    for (let i = 0; i < n; ++i)
        total += await valueOf(i);
    if (total !== (n * (n - 1)) / 2)
        throw new BenchError(`chain: sum ${total}, expected ${(n * (n - 1)) / 2}`);
}

const WORKLOADS = {
    spawn_gather: spawnGather,
    sleep_gather: sleepGather,
    semaphore,
    timeout_cancel: timeoutCancel,
    chain,
};

async function main(argv) {
    const [name, nText] = argv;
    if (argv.length !== 2 || !(name in WORKLOADS)) {
        process.stderr.write(`usage: node_bench.mjs WORKLOAD N  (workloads: ${Object.keys(WORKLOADS).join(' ')})\n`);
        return 2;
    }
    const n = Math.trunc(Number(nText));
    const rssBefore = currentRssBytes();
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    try {
        await WORKLOADS[name](n);
    } catch (e) {
        if (!(e instanceof BenchError))
            throw e;
        process.stderr.write(`${e.message}\n`);
        return 1;
    }
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuUsed = process.cpuUsage(cpu0);
    const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
    const peak = peakRssBytes();
    const round = (x, digits) => Number(x.toFixed(digits));
    process.stdout.write(JSON.stringify({
        peer: 'node',
        workload: name,
        n,
        wall_s: round(wall, 6),
        cpu_s: round(cpu, 6),
        peak_rss_mb: round(peak / (1024 * 1024), 2),
        per_task_us: round(((wall - IDEAL[name]) / n) * 1e6, 4),
        bytes_per_task: round(Math.max(0, peak - rssBefore) / n, 1),
    }) + '\n');
    return 0;
}

process.exitCode = await main(process.argv.slice(2));
