"""Answer throughput: `fairmem sweep` (Swift) against scipy.optimize.linprog(method="highs") and
against HiGHS called directly through highspy with one reused model per shape.

Run through `bash Benchmarks/lp-sweep/run.sh` (which sets up and builds first). For each instance
set (`bench`: the 10,000-instance benchmark, 85% two groups x two classes and 15% 3 x 3; `2x2`:
two groups, binary labels only; `mix`: G = 2..4 groups, K = 2..5 classes) and each metric
(sp, eopp, eodds):
  1. generate the instances (fixed seeds) in the statistics JSON Lines format;
  2. time `fairmem sweep --metric M --threads T --quiet > file` end to end (process start to exit,
     JSON in and out to a file, certificates on), `--threads 1` pinned to CPU 0 with taskset, `--threads 2`
     unpinned; best and median of --reps runs; every run's output must be byte-identical;
  3. build the same least-mass LPs for scipy (Tests/python/reference_lp.py, written from
     theory.md independently of the Swift code) and time the linprog loop, and the highspy loop
     (highs_direct.py: one Highs object per shape, coefficients changed in place or the model
     passed again, the faster of the two quoted); the Python process is pinned to CPU 0 too;
  4. check agreement on EVERY instance: feasibility flags, and min mass to 1e-7 absolute
     (fairmem vs scipy, and highspy vs scipy);
  5. print a markdown table (also written to Benchmarks/out/lp-sweep/results.md, with raw numbers
     in results.json).

"LPs/s" for scipy = least-mass LPs solved per second (one per instance). For fairmem it is
instances answered per second; each answer is more work than scipy's single LP: the least-mass
LP, the most-mass LP, two witnesses re-checked with the mixture rule, closed forms and, for
infeasible instances, a verified Farkas certificate. The ratio therefore understates the LP speed.
"""

from __future__ import annotations

import os

# Single-threaded numerics for the scipy side (set before numpy/scipy are imported).
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse
import importlib.metadata
import json
import pathlib
import platform
import resource
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "python"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import scipy  # noqa: E402

import hashlib  # noqa: E402

import highs_direct  # noqa: E402
import reference_lp as ref  # noqa: E402
from instances import benchmark_batch, random_batch  # noqa: E402

ABS = 1e-7
BORDERLINE = 1e-9
METRICS = ("sp", "eopp", "eodds")


def machine_facts() -> dict:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "highspy": importlib.metadata.version("highspy"),
        "platform": platform.platform(),
    }


def run_fairmem(binary: str, path: pathlib.Path, metric: str, threads: int, extra=()) -> tuple:
    """(wall seconds, CPU seconds user+sys of the child, stdout). One thread runs pinned to CPU 0.

    The answers go to a file, as `fairmem sweep FILE > answers.jsonl` writes them, and are read
    back after the clock stops: a pipe read by this process (pinned to CPU 0) while the command
    runs would take CPU 0 from one of the two threads of a `--threads 2` run."""
    # This process pins itself to CPU 0 (main), and children inherit the affinity: without an
    # explicit CPU list every --threads N run would share CPU 0 (t=2 measured as about 1.0x t=1).
    pin = ["taskset", "-c", "0" if threads == 1 else f"0-{(os.cpu_count() or 1) - 1}"]
    cmd = [*pin, binary, "sweep", str(path), "--metric", metric, "--threads", str(threads), "--quiet", *extra]
    answers = path.with_suffix(f".{metric}.t{threads}.out")
    with open(answers, "w") as out:
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}:\n{proc.stderr[-3000:]}")
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    stdout = answers.read_text()
    answers.unlink()
    return elapsed, cpu, stdout


def scipy_pass(instances, metric: str):
    """Returns (timings, [(feasible, min_mass)] from scipy, [(feasible, min_mass)] from highspy)."""
    c0, t0 = time.process_time(), time.perf_counter()
    lps = [ref.build_lp(inst, metric) for inst in instances]
    c1, t1 = time.process_time(), time.perf_counter()
    answers = [ref.solve_min(lp)[:2] for lp in lps]
    c2, t2 = time.process_time(), time.perf_counter()
    timings = {"build_s": t1 - t0, "solve_s": t2 - t1, "build_cpu_s": c1 - c0, "solve_cpu_s": c2 - c1}
    direct = None
    for mode in ("update", "pass"):
        h0, u0 = time.perf_counter(), time.process_time()
        got = highs_direct.solve_all(lps, mode)
        h1, u1 = time.perf_counter(), time.process_time()
        timings[f"highspy_{mode}_s"] = h1 - h0
        timings[f"highspy_{mode}_cpu_s"] = u1 - u0
        direct = direct or got
    best = min(("update", "pass"), key=lambda m: timings[f"highspy_{m}_s"])
    timings["highspy_mode"] = best
    timings["highspy_s"] = timings[f"highspy_{best}_s"]
    timings["highspy_cpu_s"] = timings[f"highspy_{best}_cpu_s"]
    return timings, answers, direct


def instance_sets(args) -> dict:
    """The instance sets, each a list of statistics objects (fixed seeds)."""
    sets = {}
    if args.instances > 0:
        sets["bench"] = benchmark_batch(args.seed, args.instances, share_3x3=args.share_3x3)
    if args.instances_2x2 > 0:
        sets["2x2"] = benchmark_batch(args.seed + 1, args.instances_2x2, share_3x3=0.0)
    if args.instances_mix > 0:
        # G = 2..4, K = 2..5, convention B, population + confusion, no cap (as the benchmark set).
        sets["mix"] = random_batch(args.seed + 2, args.instances_mix, mix={"cap": 0, "unmemorized": 0, "counts": 0})
    return sets


def agreement(objs, instances, lines, answers, metric: str) -> dict:
    """fairmem's answers (parsed lines) against (feasible, min mass) pairs on every instance."""
    flag_mismatch, mass_mismatch, borderline = [], [], []
    max_diff = 0.0
    feasible_count = 0
    if len(lines) != len(objs):
        flag_mismatch.append({"problem": f"{len(lines)} answers for {len(objs)} instances"})
    for o, inst, line, (feas, mn) in zip(objs, instances, lines, answers):
        if line.get("id") != o["id"]:
            flag_mismatch.append({"id": o["id"], "problem": f"answer id {line.get('id')!r} out of order"})
            continue
        feasible_count += bool(feas)
        if bool(line.get("feasible")) != feas:
            t = ref.least_max_gap(inst, metric)
            rec = {"id": o["id"], "instance": o, "fairmem": line, "reference": {"feasible": feas, "min_mass": mn}, "least_max_gap": t}
            (borderline if abs(t) <= BORDERLINE else flag_mismatch).append(rec)
            continue
        if feas:
            d = abs(line.get("min_mass") - mn)
            max_diff = max(max_diff, d)
            if d > ABS:
                mass_mismatch.append({"id": o["id"], "instance": o, "fairmem": line, "reference": {"feasible": feas, "min_mass": mn}, "diff": d})
    return {
        "feasible": feasible_count,
        "all_agree": not flag_mismatch and not mass_mismatch,
        "feasibility_mismatches": flag_mismatch,
        "min_mass_mismatches": mass_mismatch,
        "borderline": borderline,
        "max_abs_diff_min_mass": max_diff,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instances", type=int, default=10_000, help="size of the benchmark set (0: skip)")
    ap.add_argument("--instances-2x2", type=int, default=5_000, help="size of the two groups x two classes set (0: skip)")
    ap.add_argument("--instances-mix", type=int, default=3_000, help="size of the G = 2..4, K = 2..5 set (0: skip)")
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--share-3x3", type=float, default=0.15, help="share of 3-group / 3-class instances in the benchmark set")
    ap.add_argument("--metrics", nargs="+", default=list(METRICS), choices=METRICS)
    ap.add_argument("--reps", type=int, default=3, help="timed fairmem runs per configuration")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--fairmem", default=os.environ.get("FAIRMEM_BIN", str(ROOT / ".build" / "release" / "fairmem")))
    ap.add_argument("--fairmem-args", nargs="*", default=[], help="extra sweep flags, e.g. --lp-only (quote them)")
    ap.add_argument("--out", default=str(ROOT / "Benchmarks" / "out" / "lp-sweep"))
    args = ap.parse_args()

    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    facts = machine_facts()
    print(
        f"[bench] machine: {facts['nproc']} cores, {facts['cpu']}; Python {facts['python']}, scipy {facts['scipy']}, "
        f"highspy {facts['highspy']}; load average {os.getloadavg()[0]:.2f}"
    )
    # The Python side runs on CPU 0, as `fairmem sweep --threads 1` does.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    extra = [a for arg in args.fairmem_args for a in arg.split()]

    results = {"machine": facts, "seed": args.seed, "load_start": os.getloadavg()[0], "fairmem_args": extra, "sets": {}}
    ok = True
    for set_name, objs in instance_sets(args).items():
        path = out / f"instances-{set_name}.jsonl"
        with open(path, "w") as fh:
            for o in objs:
                fh.write(json.dumps(o) + "\n")
        shapes = statistics.Counter((len(o["groups"]), len(o["classes"])) for o in objs)
        shape_text = ", ".join(f"{g}x{k}: {c}" for (g, k), c in sorted(shapes.items()))
        print(f"[bench] set {set_name}: {len(objs)} instances ({shape_text}) -> {path}")
        instances = [ref.parse_instance(o) for o in objs]
        set_result = {"instances": len(objs), "shapes": shape_text, "metrics": {}}
        for metric in args.metrics:
            # fairmem --------------------------------------------------------------------------
            fm = {}
            digests = set()
            outputs = None
            for threads in args.threads:
                times, cpus = [], []
                for _ in range(args.reps):
                    elapsed, cpu, stdout = run_fairmem(args.fairmem, path, metric, threads, extra)
                    times.append(elapsed)
                    cpus.append(cpu)
                    digests.add(hashlib.sha256(stdout.encode()).hexdigest())
                    if outputs is None:
                        outputs = stdout
                fm[threads] = {"best_s": min(times), "median_s": statistics.median(times), "runs_s": times, "cpu_s": min(cpus)}
                print(
                    f"[bench] {set_name} {metric}: fairmem --threads {threads}: wall best {min(times):.3f} s, "
                    f"median {statistics.median(times):.3f} s; CPU {min(cpus):.3f} s"
                )
            identical = len(digests) == 1
            ok &= identical
            # scipy and highspy -----------------------------------------------------------------
            sc, answers, direct = scipy_pass(instances, metric)
            print(
                f"[bench] {set_name} {metric}: scipy solve loop {sc['solve_s']:.2f} s ({sc['solve_cpu_s']:.2f} s CPU); "
                f"highspy ({sc['highspy_mode']}) {sc['highspy_s']:.2f} s ({sc['highspy_cpu_s']:.2f} s CPU)"
            )
            # agreement ---------------------------------------------------------------------------
            lines = [json.loads(ln) for ln in outputs.splitlines() if ln.strip()]
            fair = agreement(objs, instances, lines, answers, metric)
            hs_bad = sum(
                1 for (f1, m1), (f2, m2) in zip(answers, direct) if f1 != f2 or (f1 and abs(m1 - m2) > ABS)
            )
            ok &= fair["all_agree"] and hs_bad == 0
            closed = sum(1 for ln in lines if any("no LP solved" in n for n in ln.get("notes", [])))
            print(
                f"[bench] {set_name} {metric}: agreement {len(objs) - len(fair['feasibility_mismatches']) - len(fair['min_mass_mismatches']) - len(fair['borderline'])}/{len(objs)}, "
                f"{len(fair['feasibility_mismatches'])} feasibility / {len(fair['min_mass_mismatches'])} min-mass mismatches, "
                f"{len(fair['borderline'])} borderline, max |diff| {fair['max_abs_diff_min_mass']:.1e}; highspy vs scipy mismatches {hs_bad}; "
                f"output identical over {len(args.threads)} thread counts x {args.reps} runs: {identical}; closed-form answers {closed}"
            )
            if not fair["all_agree"] or fair["borderline"]:
                with open(out / f"mismatches-{set_name}-{metric}.json", "w") as fh:
                    json.dump({k: fair[k] for k in ("feasibility_mismatches", "min_mass_mismatches", "borderline")}, fh, indent=1)
            set_result["metrics"][metric] = {
                "fairmem": {str(k): v for k, v in fm.items()},
                "scipy_highspy": sc,
                "feasible": fair["feasible"],
                "closed_form_answers": closed,
                "byte_identical": identical,
                "agreement": {
                    "all_agree": fair["all_agree"],
                    "feasibility_mismatches": len(fair["feasibility_mismatches"]),
                    "min_mass_mismatches": len(fair["min_mass_mismatches"]),
                    "borderline": len(fair["borderline"]),
                    "max_abs_diff_min_mass": fair["max_abs_diff_min_mass"],
                    "highspy_vs_scipy_mismatches": hs_bad,
                },
            }
        results["sets"][set_name] = set_result

    # table --------------------------------------------------------------------------------------
    rows = [
        "| set | metric | scipy LPs/s | highspy LPs/s | fairmem t=1 answers/s (wall) | t=1 CPU answers/s | t=2 answers/s (wall) | "
        "vs scipy, t=1 wall (CPU) | vs highspy, t=1 wall (CPU) | t=2 / t=1 (wall) | closed-form answers | agree | byte-identical |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for set_name, sr in results["sets"].items():
        n = sr["instances"]
        for metric, r in sr["metrics"].items():
            sc = r["scipy_highspy"]
            s_rate, s_cpu = n / sc["solve_s"], n / sc["solve_cpu_s"]
            h_rate, h_cpu = n / sc["highspy_s"], n / sc["highspy_cpu_s"]
            f1 = r["fairmem"].get("1")
            f2 = r["fairmem"].get("2")
            w1 = n / f1["best_s"] if f1 else float("nan")
            c1 = n / f1["cpu_s"] if f1 else float("nan")
            w2 = n / f2["best_s"] if f2 else float("nan")
            ag = r["agreement"]
            rows.append(
                f"| {set_name} | {metric} | {s_rate:,.0f} | {h_rate:,.0f} ({sc['highspy_mode']}) | {w1:,.0f} | {c1:,.0f} | {w2:,.0f} | "
                f"{w1 / s_rate:,.1f}x ({c1 / s_cpu:,.1f}x) | {w1 / h_rate:,.2f}x ({c1 / h_cpu:,.2f}x) | {w2 / w1:,.2f} | "
                f"{r['closed_form_answers']}/{n} | {'yes' if ag['all_agree'] and ag['highspy_vs_scipy_mismatches'] == 0 else 'NO'} "
                f"({ag['borderline']} borderline, max diff {ag['max_abs_diff_min_mass']:.0e}) | {'yes' if r['byte_identical'] else 'NO'} |"
            )
    table = "\n".join(rows)
    shapes = "; ".join(f"{k}: {v['instances']} ({v['shapes']})" for k, v in results["sets"].items())
    md = (
        f"Instances (seed {args.seed}; convention B, population + confusion, no cap): {shapes}.\n"
        f"Machine: {facts['nproc']} cores, {facts['cpu']}; Python {facts['python']}, numpy {facts['numpy']}, scipy {facts['scipy']}, highspy {facts['highspy']}.\n"
        f"fairmem sweep flags: --quiet {' '.join(extra)}; --threads 1 and the Python side pinned to CPU 0 (taskset / sched_setaffinity).\n\n"
        f"Load average: {results['load_start']:.2f} at the start, {os.getloadavg()[0]:.2f} at the end (1 min). "
        f"Rates: instances / best wall time (fairmem, end to end, best of {args.reps}) or / loop time (scipy, highspy: "
        f"least-mass LP only, construction excluded); CPU columns use user+sys time.\n\n{table}\n"
    )
    print()
    print(md)
    (out / "results.md").write_text(md)
    (out / "results.json").write_text(json.dumps(results, indent=1))
    print(f"[bench] written {out / 'results.md'} and {out / 'results.json'}")
    if not ok:
        print("[bench] DISAGREEMENT or non-identical output (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
