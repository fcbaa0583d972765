#!/usr/bin/env python3
"""svclint's benchmark: one run, side by side, as ratios.

    python bench/run.py                       # corpus from ../shared/corpus, 20x copies built on first use
    python bench/run.py --runs 7 --corpus DIR --big DIR

It measures, each as a fresh process (wall time, median of --runs interleaved repetitions; peak resident memory
of the largest process, from wait4):

- svclint lint over the corpus (default jobs, and --jobs 1) next to the parse floor: PyYAML's libyaml loader just
  loading the same files (../shared/bench/parse_floor.py --parser pyyaml-c);
- the same over the 20x corpus (../shared/bench/make_big_corpus.py --copies 20);
- a single small Service file (the pre-commit case, text) next to yamllint on the same file, and the same file
  written as SARIF (code scanning's case).

`--before DIR` adds the one-file and corpus cases of another svclint source tree (say `git worktree add
/tmp/before main`), run with the same Python and dependencies, so a change is measured against what it
changes in one run. `--one-file` runs only the one-file cases (start-up work).

Standard library only; it needs svclint, PyYAML (for the shared scripts) and yamllint installed (the test extras).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"


def measure(command: list[str], cwd: Path) -> tuple[float, int, int, bytes]:
    """(seconds, peak RSS in KiB, exit code, stdout) of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, process.returncode, output


def _package_dir(python: str) -> Path:
    found = subprocess.run(
        [python, "-c", "import svclint, os; print(os.path.dirname(svclint.__file__))"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return Path(found.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--big", type=Path, default=Path(tempfile.gettempdir()) / "svclint-bench-big-20")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another svclint source tree to measure side by side")
    parser.add_argument("--one-file", action="store_true", help="only the one-file cases")
    args = parser.parse_args()
    python = sys.executable
    svclint = [python, "-m", "svclint", "lint", "--no-config", "--format", "sarif"]
    floor = [python, str(SHARED / "bench" / "parse_floor.py"), "--parser", "pyyaml-c"]
    yamllint = shutil.which("yamllint") or str(Path(python).parent / "yamllint")
    if not args.one_file and not (args.big / "copy-0001").is_dir():
        print(f"building the 20x corpus in {args.big} ...", file=sys.stderr)
        if args.big.exists():
            shutil.rmtree(args.big)
        subprocess.run(
            [python, str(SHARED / "bench" / "make_big_corpus.py"), "--copies", "20", "--out", str(args.big),
             "--src", str(args.corpus)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    # pip compiles a package's bytecode when it installs it; a source checkout (or PYTHONDONTWRITEBYTECODE=1)
    # may have none, and every run would compile svclint again. Measure what users run.
    packages = [_package_dir(python), *([args.before / "svclint"] if args.before else [])]
    for package in packages:
        subprocess.run([python, "-m", "compileall", "-q", str(package)], check=True, stdout=subprocess.DEVNULL)
    single = REPO / "examples" / "kubia.yaml"
    cases = {
        "svclint corpus": ([*svclint, str(args.corpus)], REPO),
        "svclint corpus --jobs 1": ([*svclint, "--jobs", "1", str(args.corpus)], REPO),
        "parse floor corpus": ([*floor, str(args.corpus)], REPO),
        "svclint 20x": ([*svclint, str(args.big)], REPO),
        "svclint 20x --jobs 1": ([*svclint, "--jobs", "1", str(args.big)], REPO),
        "parse floor 20x": ([*floor, str(args.big)], REPO),
        "svclint one file": ([*svclint[:4], str(single)], REPO),
        # The pre-commit case above writes text; code scanning's writes SARIF (a descriptor of every rule).
        "svclint one file sarif": ([*svclint, str(single)], REPO),
        "yamllint one file": ([yamllint, str(single)], REPO),
    }
    if args.before:
        # Run from inside the other tree: `python -m` imports the package of the working directory first.
        before = args.before.resolve()
        cases["before: svclint corpus"] = ([*svclint, str(args.corpus.resolve())], before)
        cases["before: svclint one file"] = ([*svclint[:4], str(single)], before)
        cases["before: svclint one file sarif"] = ([*svclint, str(single)], before)
    if args.one_file:
        cases = {name: case for name, case in cases.items() if "one file" in name}
    times: dict[str, list[float]] = {name: [] for name in cases}
    memory: dict[str, int] = {}
    outputs: dict[str, set[str]] = {name: set() for name in cases}
    for _ in range(args.runs):
        for name, (command, cwd) in cases.items():
            seconds, rss, _code, output = measure(command, cwd)
            times[name].append(seconds)
            memory[name] = max(memory.get(name, 0), rss)
            outputs[name].add(hashlib.sha256(output).hexdigest()[:12])
    median = {name: statistics.median(values) for name, values in times.items()}

    print(f"svclint benchmark: {args.runs} interleaved runs each, median wall time; peak RSS of the largest process")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print()
    print(f"{'case':31} {'median s':>9} {'min s':>7} {'peak MiB':>9}")
    for name in cases:
        print(f"{name:31} {median[name]:9.3f} {min(times[name]):7.3f} {memory[name] / 1024:9.1f}")
    print()

    def ratio(numerator: str, denominator: str) -> float | None:
        if numerator not in median or denominator not in median:
            return None
        return median[numerator] / median[denominator]

    twenty_x_memory = memory["svclint 20x"] / 1024 if "svclint 20x" in memory else None
    ratios = [
        ("corpus: svclint / parse floor", ratio("svclint corpus", "parse floor corpus"), "<= 1.0"),
        ("20x: svclint / parse floor", ratio("svclint 20x", "parse floor 20x"), "(context)"),
        ("20x / 1x svclint time", ratio("svclint 20x", "svclint corpus"), "<= 20"),
        ("20x peak memory, MiB", twenty_x_memory, "< 150"),
        ("jobs speed-up, corpus", ratio("svclint corpus --jobs 1", "svclint corpus"), "(> 1)"),
        ("jobs speed-up, 20x", ratio("svclint 20x --jobs 1", "svclint 20x"), "(> 1)"),
        ("one file: svclint / yamllint", ratio("svclint one file", "yamllint one file"), "<= 1.2"),
        ("one file SARIF / yamllint", ratio("svclint one file sarif", "yamllint one file"), "(context)"),
        ("before: corpus / parse floor", ratio("before: svclint corpus", "parse floor corpus"), "(before)"),
        ("before: one file / yamllint", ratio("before: svclint one file", "yamllint one file"), "(before)"),
        ("before: one file SARIF / yamllint", ratio("before: svclint one file sarif", "yamllint one file"), "(before)"),
    ]
    print(f"{'ratio':34} {'value':>8}  target")
    for label, value, target in ratios:
        if value is not None:
            print(f"{label:34} {value:8.2f}  {target}")
    if not args.one_file:
        same_1x = outputs["svclint corpus"] == outputs["svclint corpus --jobs 1"]
        same_1x = same_1x and len(outputs["svclint corpus"]) == 1
        same_20x = outputs["svclint 20x"] == outputs["svclint 20x --jobs 1"] and len(outputs["svclint 20x"]) == 1
        print()
        print(f"output identical with and without --jobs: corpus {same_1x}, 20x {same_20x}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
