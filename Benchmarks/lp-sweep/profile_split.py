"""Where `fairmem sweep` spends its time, from a `perf record -g` profile (frame pointers).

    perf record -F 4000 -g -o sweep.perf taskset -c 0 .build/release/fairmem sweep FILE --metric sp --threads 1 --quiet
    perf stat -e task-clock -r 3 taskset -c 0 .build/release/fairmem sweep FILE --metric sp --threads 1 --quiet
    python3 Benchmarks/lp-sweep/profile_split.py sweep.perf MICROSECONDS_PER_ANSWER

Prints a markdown table of named functions (inclusive share of samples) and the split into
stages with microseconds per answer (share x the per-answer CPU time from `perf stat`). GLPK's
own code has no frame pointers, so its samples are counted by library (libglpk self time) plus
the Swift side of `LinearProgramming.solve`; samples whose call chain is lost (runtime code called
from such frames) land in "rest", with process start, line reading, the thread pool and output.
"""

from __future__ import annotations

import re
import subprocess
import sys

FUNCTIONS = [
    ("StatisticsDecoder.object(from:) (JSON parse)", r"StatisticsDecoderV6object4from"),
    ("StatisticsDecoder.decode(object:) (decoding, validation)", r"StatisticsDecoderV6decode6object"),
    ("MemorizationAnalysis.answers (analysis)", r"0A8AnalysisO7answers_"),
    ("- analyzeByLinearProgram (GLPK route)", r"0A8AnalysisO22analyzeByLinearProgram"),
    ("- MemorizationProgram.init", r"0A7ProgramV10statistics6metric7options4rows"),
    ("- closedFormAnswer (closed-form route)", r"closedFormAnswer"),
    ("- MemorizationProgram.rowLabels (row labels)", r"ProgramV9rowLabels"),
    ("- R5 bounds (statisticalParityBounds)", r"statisticalParityBounds"),
    ("- LinearProgramming.solve (Swift side)", r"LinearProgramming5solve_7options"),
    ("- FarkasCertificate.elastic (Swift side)", r"FarkasCertificateV7elastic"),
    ("- MixtureRule.largestGap (R0 checks)", r"MixtureRuleV10largestGap"),
    ("- MemorizationProgram.farkasGap", r"ProgramV9farkasGap"),
    ("MemorizationAnswerReport.init", r"0A12AnswerReportVy.*cfC"),
    ("JSONReportEncoder.text (JSON out)", r"JSONReportEncoderV4text"),
]


def report(path: str, *args: str) -> list:
    out = subprocess.run(["perf", "report", "-i", path, *args, "-g", "none"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "%" in line and not line.startswith("#")]


def main() -> None:
    path, us = sys.argv[1], float(sys.argv[2])
    children = report(path, "--children", "--sort", "symbol")

    def share(pattern: str) -> float:
        return next((float(l.split()[0].rstrip("%")) for l in children if re.search(pattern, l)), 0.0)

    libraries = {l.split()[-1]: float(l.split()[0].rstrip("%")) for l in report(path, "--no-children", "--sort", "dso")}
    print("| function | share of samples (inclusive) |\n|---|---:|")
    for label, pattern in FUNCTIONS:
        print(f"| {label} | {share(pattern):.1f}% |")
    for name, value in libraries.items():
        if any(k in name for k in ("glpk", "libswiftCore", "libc.so")):
            print(f"| self time in {name} | {value:.1f}% |")
    lp = share(r"LinearProgramming5solve_7options") + share(r"FarkasCertificateV7elastic")
    checks = sum(share(p) for p in (r"MixtureRuleV10largestGap", r"ProgramV9farkasGap", r"statisticalParityBounds"))
    stages = {
        "GLPK (libglpk self time + Swift side of LinearProgramming)": sum(v for k, v in libraries.items() if "glpk" in k) + lp,
        "checks (R0 witnesses, Farkas gaps, R5 bounds)": checks,
        "JSON in (parse, decode, validate)": share(r"StatisticsDecoderV6object4from") + share(r"StatisticsDecoderV6decode6object"),
        "JSON out (report, encoder, writer)": share(r"JSONReportEncoderV4text") + share(r"0A12AnswerReportVy.*cfC"),
        "analysis other (LP building, closed-form route, labels, answer)": share(r"0A8AnalysisO7answers_") - lp - checks,
    }
    stages["rest (process start, reading, threads, output, lost call chains)"] = 100 - sum(stages.values())
    print(f"\n| stage | share | us per answer (of {us:.1f}) |\n|---|---:|---:|")
    for label, value in stages.items():
        print(f"| {label} | {value:.1f}% | {value * us / 100:.1f} |")


if __name__ == "__main__":
    main()
