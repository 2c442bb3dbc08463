#!/usr/bin/env bash
# Loopscope against CPython asyncio and Node: the same five workloads, one JSON line per run.
#
#   tests/bench/run.sh [--no-build] [--smoke] [--reps K] [--sizes "1e4 1e5 1e6"]
#                      [--open-sizes "1e5 1e6"] [--with-no-trace] [--no-warmup] [--out FILE]
#
# --sizes "" runs only the painter (render), the open and the GUI lag measurements;
# --open-sizes "" leaves out the open workload (a 1e6 stress trace is 750 MB in $TMPDIR).
#
# Default: builds the release preset's loopscope-bench, then for each size runs every workload
# as loopscope, asyncio, node, loopscope, asyncio, node, ... (interleaved, so a busy machine
# hurts every peer alike), K=3 times, and prints medians [min-max] with peer/ours ratios
# (summarize.py). Runs that would take more than about a minute are skipped (see SKIP below).
# --smoke: every workload once at N=1000 for each peer; checks they all succeed (CI, seconds).
# --with-no-trace: also runs loopscope with --no-trace (a column of its own).
# Each measured run of a workload comes right after an unmeasured warm-up run of the same
# command (--no-warmup: none). On a VM that reports free memory to its host (virtio-balloon
# free page reporting: memory left free for a few seconds goes back to the host), the first
# process to touch memory after a pause pays the host's faults as system time: timeout_cancel
# at 1e5 took 0.12-0.21 s of it after a 5 s pause and 0.00-0.05 s right after another run, which
# was most of the 2-3x spread between repetitions. The warm-up hands every peer memory the host
# has backed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BENCH="$ROOT/build/release/tests/bench/loopscope-bench"
PYTHON="${PYTHON:-python3}"
NODE="${NODE:-node}"
RUN_TIMEOUT="${RUN_TIMEOUT:-150}" # seconds; a run past it counts as failed

build=1
smoke=0
reps=3
sizes="1e4 1e5 1e6"
open_sizes="1e5 1e6"
notrace=0
warmup=1
out=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0 ;;
        --smoke) smoke=1 ;;
        --reps) reps="$2"; shift ;;
        --sizes) sizes="$2"; shift ;;
        --open-sizes) open_sizes="$2"; shift ;;
        --with-no-trace) notrace=1 ;;
        --out) out="$2"; shift ;;
        --no-warmup) warmup=0 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

WORKLOADS="spawn_gather sleep_gather semaphore timeout_cancel chain"
# peer:workload:N runs that would take 30-150 s each on a shared 2-core machine (asyncio needs
# 20-100 us per task there at N=1e5, node 30-65 us per timeout_cancel task); with 3 repetitions
# they would push the whole run past 10 minutes. asyncio keeps spawn_gather at 1e6 (about 25 s a
# run), the headline comparison. The spelling of N must match --sizes.
SKIP=" asyncio:sleep_gather:1e6 asyncio:semaphore:1e6 asyncio:timeout_cancel:1e6
 node:timeout_cancel:1e6 "
SKIP="${SKIP//$'\n'/ }"

if [[ $build == 1 ]]; then
    "$ROOT/scripts/deps" --bench # the toolchain, Qt, python3 and node for the peers
    (cd "$ROOT" && cmake --preset release >/dev/null \
        && cmake --build --preset release --target loopscope-bench -- -j2)
fi
[[ -x "$BENCH" ]] || { echo "run.sh: $BENCH not built (drop --no-build)" >&2; exit 2; }

if [[ -z "$out" ]]; then
    out="$(mktemp "${TMPDIR:-/tmp}/loopscope-bench.XXXXXX.jsonl")"
fi
: >"$out"

failures=0
# run PEER WORKLOAD N: one run; its JSON line (or a skipped/error line) goes to $out and stdout.
run() {
    local peer="$1" workload="$2" n="$3" line rc=0 err
    local -a cmd
    case "$peer" in
        loopscope) cmd=("$BENCH" "$workload" "$n") ;;
        loopscope-notrace) cmd=("$BENCH" "$workload" "$n" --no-trace) ;;
        asyncio) cmd=("$PYTHON" "$HERE/peers/asyncio_bench.py" "$workload" "$n") ;;
        node) cmd=("$NODE" "$HERE/peers/node_bench.mjs" "$workload" "$n") ;;
    esac
    local name="${peer%-notrace}" trace=""
    [[ $peer == loopscope ]] && trace='"trace":true,'
    [[ $peer == loopscope-notrace ]] && trace='"trace":false,'
    if [[ $SKIP == *" $peer:$workload:$n "* ]]; then
        line="{\"peer\":\"$name\",$trace\"workload\":\"$workload\",\"n\":$(printf '%.0f' "$n"),\"skipped\":true}"
    else
        err="$(mktemp)"
        if [[ $warmup == 1 && $smoke == 0 ]]; then
            timeout "$RUN_TIMEOUT" "${cmd[@]}" >/dev/null 2>&1 || true # judged by the measured run
        fi
        line="$(timeout "$RUN_TIMEOUT" "${cmd[@]}" 2>"$err")" || rc=$?
        if [[ $rc != 0 || $line != \{* ]]; then
            failures=$((failures + 1))
            echo "run.sh: $peer $workload $n failed (exit $rc): $(head -c 300 "$err")" >&2
            line="{\"peer\":\"$name\",$trace\"workload\":\"$workload\",\"n\":$(printf '%.0f' "$n"),\"error\":$rc}"
        fi
        rm -f "$err"
    fi
    echo "$line" | tee -a "$out"
}

peers="loopscope asyncio node"
[[ $notrace == 1 ]] && peers="loopscope loopscope-notrace asyncio node"

if [[ $smoke == 1 ]]; then
    for w in $WORKLOADS; do
        for p in $peers; do
            run "$p" "$w" 1000
        done
    done
    if [[ $failures != 0 ]]; then
        echo "smoke: $failures run(s) failed" >&2
        exit 1
    fi
    echo "smoke: ok ($out)"
    exit 0
fi

start=$SECONDS
for n in $sizes; do
    for ((rep = 1; rep <= reps; ++rep)); do
        for w in $WORKLOADS; do
            for p in $peers; do
                run "$p" "$w" "$n"
            done
        done
    done
done
# One measured run: SECONDS OUT WHAT COMMAND...: its JSON line printed and appended to OUT, or a
# failure counted and named (QUIET=1: the command's stderr is dropped).
measure() {
    local limit=$1 into=$2 what=$3 line
    shift 3
    if line="$(if [[ ${QUIET:-0} == 1 ]]; then timeout "$limit" "$@" 2>/dev/null
               else timeout "$limit" "$@"; fi)"; then
        echo "$line" | tee -a "$into"
    else
        failures=$((failures + 1))
        echo "run.sh: $what failed" >&2
    fi
}
# The painter: the stress scenario's timeline at N=1e5 and 1e6 (ours only; the peers draw
# nothing). RENDER_SIZES overrides the sizes.
render_out="${out%.jsonl}.render.jsonl"
: >"$render_out"
render_sizes="${RENDER_SIZES:-1e5 1e6}"
for n in $render_sizes; do
    for ((rep = 1; rep <= reps; ++rep)); do
        measure "$RUN_TIMEOUT" "$render_out" "render $n" "$BENCH" render "$n"
    done
done
# Open: File > Open Trace of the stress trace of N tasks (read, laid out, drawn once) against
# Node's JSON.parse and CPython's json.load of the same file, interleaved; peak RSS over the
# file's size. The trace is made once per N (not timed) and removed afterwards.
open_out="${out%.jsonl}.open.jsonl"
: >"$open_out"
for n in $open_sizes; do
    trace="$(mktemp -u "${TMPDIR:-/tmp}/loopscope-open-$n.XXXXXX.json")"
    if ! timeout "$RUN_TIMEOUT" "$BENCH" make_trace "$n" "$trace"; then
        failures=$((failures + 1))
        echo "run.sh: make_trace $n failed" >&2
        continue
    fi
    for ((rep = 1; rep <= reps; ++rep)); do
        for p in loopscope node asyncio; do
            case "$p" in
                loopscope) cmd=("$BENCH" open "$n" "$trace") ;;
                node) cmd=("$NODE" "$HERE/peers/node_open.mjs" "$n" "$trace") ;;
                asyncio) cmd=("$PYTHON" "$HERE/peers/python_open.py" "$n" "$trace") ;;
            esac
            measure "$RUN_TIMEOUT" "$open_out" "open $p $n" "${cmd[@]}"
        done
    done
    rm -f "$trace"
done
# The window: GUI thread lag while the stress scenario (1e5 and 1e6 tasks) runs live, and while
# a traced Python program creating 1e5 tasks streams (needs a display platform; offscreen is
# used when none is set). The 1e6 run takes a few minutes on a loaded 2-core VM.
lag_out="${out%.jsonl}.guilag.jsonl"
: >"$lag_out"
for lag in "gui_lag 1e5" "gui_lag 1e6" "gui_lag_program 1e5"; do
    for ((rep = 1; rep <= reps; ++rep)); do
        # shellcheck disable=SC2086 # "workload N" splits on purpose
        QUIET=1 measure "$((RUN_TIMEOUT * 2))" "$lag_out" "$lag" "$BENCH" $lag
    done
done
echo "results: $out ($((SECONDS - start)) s)"
echo
if [[ -s $out ]]; then
    "$PYTHON" "$HERE/summarize.py" "$out"
fi
"$PYTHON" - "$render_out" <<'PY'
import json, statistics, sys
all_rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for n in sorted({r["n"] for r in all_rows}):
    rows = [r for r in all_rows if r["n"] == n]
    print("\nrender N=%d (1920x1080, median of %d runs [min-max])" % (n, len(rows)))
    keys = ("frame_ms", "frame_cpu_ms", "layout_ms", "analysis_ms", "png_s", "trace_json_s")
    for key in [k for k in rows[0] if k.startswith(keys)]:
        v = [r[key] for r in rows]
        print("  %-22s %9.3f [%.3f-%.3f]" % (key, statistics.median(v), min(v), max(v)))
PY
"$PYTHON" - "$open_out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
if rows:
    print("\nopen: ours = read + layout + one frame; node/python = parse only (median of 3 [min-max])")
    print("| N | file MB | loopscope s | node s | python s | node/ours | ours RSS/file | node | python |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in sorted({r["n"] for r in rows}):
        def med(peer, key):
            v = [r[key] for r in rows if r["n"] == n and r["peer"] == peer and key in r]
            return (statistics.median(v), min(v), max(v)) if v else None
        cells, secs = [], {}
        for peer in ("loopscope", "node", "asyncio"):
            m = med(peer, "open_s")
            secs[peer] = m[0] if m else None
            errors = {r["error"] for r in rows if r["n"] == n and r["peer"] == peer and "error" in r}
            cells.append("%.3f [%.3f-%.3f]" % m if m else
                         ("fails: " + ", ".join(sorted(errors)) if errors else "-"))
        ratio = "%.2fx" % (secs["node"] / secs["loopscope"]) if secs["node"] and secs["loopscope"] else "-"
        rss = [("%.2fx" % med(p, "rss_over_file")[0]) if med(p, "rss_over_file") else "-"
               for p in ("loopscope", "node", "asyncio")]
        size = med("loopscope", "file_mb") or med("node", "file_mb")
        print("| %s | %.0f | %s | %s | %s | %s | %s | %s | %s |" % (
            ("%.0e" % n).replace("e+0", "e"), size[0] if size else 0, cells[0], cells[1], cells[2], ratio, rss[0], rss[1], rss[2]))
PY
"$PYTHON" - "$lag_out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
groups = {}
for r in rows:
    groups.setdefault((r["workload"], r["n"]), []).append(r)
for (workload, n), runs in groups.items():
    what = "stress N=%d runs live" % n if workload == "gui_lag" else \
        "a traced program creating %d tasks streams" % n
    print("\nGUI thread lag while %s (%s, median of %d runs [min-max])" % (what, workload, len(runs)))
    for key in ("lag_p50_ms", "lag_p99_ms", "lag_max_ms"):
        v = [r[key] for r in runs]
        print("  %-22s %9.2f [%.2f-%.2f]" % (key, statistics.median(v), min(v), max(v)))
PY
[[ $failures == 0 ]]
