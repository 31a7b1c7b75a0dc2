"""LP throughput: `fairmem sweep` (GLPK, Swift) against scipy.optimize.linprog(method="highs").

Run through `bash Benchmarks/lp-sweep/run.sh` (which sets up and builds first). Steps:
  1. generate N instances (default 10,000, fixed seed) in the statistics JSON Lines format;
  2. time `fairmem sweep --metric M --threads T` end to end (process start to exit, JSON in and
     out, certificates on) for M in {sp, eopp}, T in {1, 2}; best and median of --reps runs;
  3. build the same least-mass SP and EOpp LPs for scipy (Tests/python/reference_lp.py, written
     from theory.md independently of the Swift code) and time the linprog loop alone, and the loop
     including LP construction, single-threaded;
  4. check agreement on EVERY instance: feasibility flags, and min mass to 1e-7 absolute;
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

import numpy as np  # noqa: E402
import scipy  # noqa: E402

import reference_lp as ref  # noqa: E402
from instances import benchmark_batch  # noqa: E402

ABS = 1e-7
BORDERLINE = 1e-9
METRICS = ("sp", "eopp")


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
        "platform": platform.platform(),
    }


def run_fairmem(binary: str, path: pathlib.Path, metric: str, threads: int, extra=()) -> tuple:
    """(wall seconds, CPU seconds user+sys of the child, stdout)."""
    cmd = [binary, "sweep", str(path), "--metric", metric, "--threads", str(threads), "--quiet", *extra]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}:\n{proc.stderr[-3000:]}")
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return elapsed, cpu, proc.stdout


def scipy_pass(instances, metric: str):
    """Returns (construction seconds, solve seconds, [(feasible, min_mass)])."""
    c0, t0 = time.process_time(), time.perf_counter()
    lps = [ref.build_lp(inst, metric) for inst in instances]
    c1, t1 = time.process_time(), time.perf_counter()
    answers = [ref.solve_min(lp)[:2] for lp in lps]
    c2, t2 = time.process_time(), time.perf_counter()
    return {"build_s": t1 - t0, "solve_s": t2 - t1, "build_cpu_s": c1 - c0, "solve_cpu_s": c2 - c1}, answers


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instances", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--share-3x3", type=float, default=0.15, help="share of 3-group / 3-class instances")
    ap.add_argument("--reps", type=int, default=3, help="timed fairmem runs per configuration")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--fairmem", default=os.environ.get("FAIRMEM_BIN", str(ROOT / ".build" / "release" / "fairmem")))
    ap.add_argument("--out", default=str(ROOT / "Benchmarks" / "out" / "lp-sweep"))
    args = ap.parse_args()

    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    facts = machine_facts()
    print(f"[bench] machine: {facts['nproc']} cores, {facts['cpu']}; Python {facts['python']}, scipy {facts['scipy']}")

    # 1. Instances -------------------------------------------------------------------------------
    objs = benchmark_batch(args.seed, args.instances, share_3x3=args.share_3x3)
    n3 = sum(1 for o in objs if len(o["groups"]) == 3)
    path = out / "instances.jsonl"
    with open(path, "w") as fh:
        for o in objs:
            fh.write(json.dumps(o) + "\n")
    print(f"[bench] {len(objs)} instances (seed {args.seed}): {len(objs) - n3} with 2 groups x 2 classes, {n3} with 3 x 3 -> {path}")
    instances = [ref.parse_instance(o) for o in objs]

    results = {"machine": facts, "instances": len(objs), "seed": args.seed, "share_3x3": args.share_3x3, "n_3x3": n3, "metrics": {}}
    ok = True
    for metric in METRICS:
        # 2. fairmem -----------------------------------------------------------------------------
        fm = {}
        outputs = None
        for threads in args.threads:
            times, cpus = [], []
            for rep in range(args.reps):
                elapsed, cpu, stdout = run_fairmem(args.fairmem, path, metric, threads)
                times.append(elapsed)
                cpus.append(cpu)
                if outputs is None:
                    outputs = stdout
            fm[threads] = {"best_s": min(times), "median_s": statistics.median(times), "runs_s": times, "cpu_s": min(cpus)}
            print(
                f"[bench] fairmem sweep --metric {metric} --threads {threads}: wall best {min(times):.3f} s, "
                f"median {statistics.median(times):.3f} s over {len(times)} runs; CPU {min(cpus):.3f} s"
            )

        # 3. scipy -------------------------------------------------------------------------------
        sc, answers = scipy_pass(instances, metric)
        print(
            f"[bench] scipy linprog(highs) {metric}: solve loop {sc['solve_s']:.2f} s wall ({sc['solve_cpu_s']:.2f} s CPU), "
            f"construction {sc['build_s']:.2f} s wall ({sc['build_cpu_s']:.2f} s CPU)"
        )

        # 4. agreement ---------------------------------------------------------------------------
        lines = [json.loads(ln) for ln in outputs.splitlines() if ln.strip()]
        if len(lines) != len(objs):
            print(f"[bench] ERROR: {len(lines)} fairmem answers for {len(objs)} instances")
            ok = False
        flag_mismatch, mass_mismatch, borderline = [], [], []
        max_diff = 0.0
        feasible_count = 0
        for o, inst, line, (feas, mn) in zip(objs, instances, lines, answers):
            if line.get("id") != o["id"]:
                flag_mismatch.append({"id": o["id"], "problem": f"answer id {line.get('id')!r} out of order"})
                continue
            feasible_count += bool(feas)
            if bool(line.get("feasible")) != feas:
                t = ref.least_max_gap(inst, metric)
                rec = {"id": o["id"], "instance": o, "fairmem": line, "scipy": {"feasible": feas, "min_mass": mn}, "least_max_gap": t}
                (borderline if abs(t) <= BORDERLINE else flag_mismatch).append(rec)
                continue
            if feas:
                d = abs(line.get("min_mass") - mn)
                max_diff = max(max_diff, d)
                if d > ABS:
                    mass_mismatch.append({"id": o["id"], "instance": o, "fairmem": line, "scipy": {"feasible": feas, "min_mass": mn}, "diff": d})
        agree = not flag_mismatch and not mass_mismatch and len(lines) == len(objs)
        ok &= agree
        print(
            f"[bench] agreement {metric}: {len(objs) - len(flag_mismatch) - len(mass_mismatch) - len(borderline)}/{len(objs)} exact, "
            f"{len(flag_mismatch)} feasibility mismatches, {len(mass_mismatch)} min-mass mismatches > {ABS:g}, "
            f"{len(borderline)} borderline (least reachable gap within {BORDERLINE:g} of 0), max |diff| {max_diff:.2e}"
        )
        if flag_mismatch or mass_mismatch or borderline:
            with open(out / f"mismatches-{metric}.json", "w") as fh:
                json.dump({"feasibility": flag_mismatch, "min_mass": mass_mismatch, "borderline": borderline}, fh, indent=1)
            print(f"[bench] details: {out / f'mismatches-{metric}.json'}")

        results["metrics"][metric] = {
            "fairmem": {str(k): v for k, v in fm.items()},
            "scipy": sc,
            "feasible": feasible_count,
            "agreement": {
                "all_agree": agree,
                "feasibility_mismatches": len(flag_mismatch),
                "min_mass_mismatches": len(mass_mismatch),
                "borderline": len(borderline),
                "max_abs_diff_min_mass": max_diff,
            },
        }

    # 5. table -----------------------------------------------------------------------------------
    n = len(objs)
    rows = [
        "| metric | solver | threads | wall (s) | LPs/s (wall) | CPU (s) | LPs/s (CPU) | fairmem speed-up vs scipy solve loop, wall (CPU) | vs scipy incl. construction, wall (CPU) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for metric, r in results["metrics"].items():
        sc = r["scipy"]
        solve_w, solve_c = n / sc["solve_s"], n / sc["solve_cpu_s"]
        all_w, all_c = n / (sc["solve_s"] + sc["build_s"]), n / (sc["solve_cpu_s"] + sc["build_cpu_s"])
        rows.append(f"| {metric} | scipy linprog highs, solve loop | 1 | {sc['solve_s']:.2f} | {solve_w:,.0f} | {sc['solve_cpu_s']:.2f} | {solve_c:,.0f} | | |")
        rows.append(
            f"| {metric} | scipy linprog highs, incl. LP construction | 1 | {sc['solve_s'] + sc['build_s']:.2f} | {all_w:,.0f} | "
            f"{sc['solve_cpu_s'] + sc['build_cpu_s']:.2f} | {all_c:,.0f} | | |"
        )
        for threads, f in r["fairmem"].items():
            rw, rc = n / f["best_s"], n / f["cpu_s"]
            rows.append(
                f"| {metric} | fairmem sweep, end to end (best of {len(f['runs_s'])}) | {threads} | {f['best_s']:.3f} | {rw:,.0f} | "
                f"{f['cpu_s']:.3f} | {rc:,.0f} | {rw / solve_w:,.1f}x ({rc / solve_c:,.1f}x) | {rw / all_w:,.1f}x ({rc / all_c:,.1f}x) |"
            )
    agree_rows = [
        f"- {m}: {r['feasible']} of {n} feasible; feasibility mismatches {r['agreement']['feasibility_mismatches']}, "
        f"min-mass mismatches > 1e-7: {r['agreement']['min_mass_mismatches']}, borderline {r['agreement']['borderline']}, "
        f"max |min-mass difference| {r['agreement']['max_abs_diff_min_mass']:.1e}"
        for m, r in results["metrics"].items()
    ]
    table = "\n".join(rows)
    md = (
        f"Instances: {n} (seed {args.seed}; {n - n3} with 2 groups x 2 classes, {n3} with 3 groups x 3 classes; "
        f"convention B, population + confusion, no cap).\n"
        f"Machine: {facts['nproc']} cores, {facts['cpu']}; Python {facts['python']}, numpy {facts['numpy']}, scipy {facts['scipy']}.\n\n"
        f"Load average at the end of the run: {os.getloadavg()[0]:.2f} (1 min). CPU columns are user+sys time, "
        f"less sensitive to other load than wall time; with 2 threads only the wall time shows the parallel gain.\n\n"
        f"{table}\n\nAgreement (every instance, fairmem --threads {args.threads[0]} output vs scipy):\n" + "\n".join(agree_rows) + "\n"
    )
    print()
    print(md)
    (out / "results.md").write_text(md)
    (out / "results.json").write_text(json.dumps(results, indent=1))
    print(f"[bench] written {out / 'results.md'} and {out / 'results.json'}")
    if not ok:
        print("[bench] DISAGREEMENT between fairmem and scipy (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
