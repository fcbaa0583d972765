#!/usr/bin/env python3
"""svclint's benchmark: one run, side by side, as ratios.

    python bench/run.py                       # corpus from ../shared/corpus, 20x copies built on first use
    python bench/run.py --runs 7 --corpus DIR --big DIR

It measures, each as a fresh process (wall time, median of --runs interleaved repetitions; peak resident memory
of the largest process, from wait4):

- svclint lint over the corpus (default jobs, and --jobs 1) next to the parse floor: PyYAML's libyaml loader just
  loading the same files (../shared/bench/parse_floor.py --parser pyyaml-c);
- the same over the 20x corpus (../shared/bench/make_big_corpus.py --copies 20);
- a single small Service file (the pre-commit case) next to yamllint on the same file.

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
    args = parser.parse_args()
    python = sys.executable
    svclint = [python, "-m", "svclint", "lint", "--no-config", "--format", "sarif"]
    floor = [python, str(SHARED / "bench" / "parse_floor.py"), "--parser", "pyyaml-c"]
    yamllint = shutil.which("yamllint") or str(Path(python).parent / "yamllint")
    if not (args.big / "copy-0001").is_dir():
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
    subprocess.run([python, "-m", "compileall", "-q", str(_package_dir(python))], check=True, stdout=subprocess.DEVNULL)
    single = REPO / "examples" / "kubia.yaml"
    cases = {
        "svclint corpus": ([*svclint, str(args.corpus)], REPO),
        "svclint corpus --jobs 1": ([*svclint, "--jobs", "1", str(args.corpus)], REPO),
        "parse floor corpus": ([*floor, str(args.corpus)], REPO),
        "svclint 20x": ([*svclint, str(args.big)], REPO),
        "svclint 20x --jobs 1": ([*svclint, "--jobs", "1", str(args.big)], REPO),
        "parse floor 20x": ([*floor, str(args.big)], REPO),
        "svclint one file": ([*svclint[:4], str(single)], REPO),
        "yamllint one file": ([yamllint, str(single)], REPO),
    }
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
    print(f"{'case':28} {'median s':>9} {'min s':>7} {'peak MiB':>9}")
    for name in cases:
        print(f"{name:28} {median[name]:9.3f} {min(times[name]):7.3f} {memory[name] / 1024:9.1f}")
    print()
    ratios = [
        ("corpus: svclint / parse floor", median["svclint corpus"] / median["parse floor corpus"], "<= 1.0"),
        ("20x: svclint / parse floor", median["svclint 20x"] / median["parse floor 20x"], "(context)"),
        ("20x / 1x svclint time", median["svclint 20x"] / median["svclint corpus"], "<= 20"),
        ("20x peak memory, MiB", memory["svclint 20x"] / 1024, "< 150"),
        ("jobs speed-up, corpus", median["svclint corpus --jobs 1"] / median["svclint corpus"], "(> 1)"),
        ("jobs speed-up, 20x", median["svclint 20x --jobs 1"] / median["svclint 20x"], "(> 1)"),
        ("one file: svclint / yamllint", median["svclint one file"] / median["yamllint one file"], "<= 1.5"),
    ]
    print(f"{'ratio':32} {'value':>8}  target")
    for label, value, target in ratios:
        print(f"{label:32} {value:8.2f}  {target}")
    same_1x = outputs["svclint corpus"] == outputs["svclint corpus --jobs 1"] and len(outputs["svclint corpus"]) == 1
    same_20x = outputs["svclint 20x"] == outputs["svclint 20x --jobs 1"] and len(outputs["svclint 20x"]) == 1
    print()
    print(f"output identical with and without --jobs: corpus {same_1x}, 20x {same_20x}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
