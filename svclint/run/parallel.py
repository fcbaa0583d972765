"""Reading the files of a run, in one process or several.

Files are independent until the inventory is built, so they are read by a pool of processes (one per CPU unless
--jobs says otherwise) on platforms that can fork. Results come back in the order of the files, so a run's
output is the same with one process or many. Small runs stay in one process: starting workers costs more than
it saves on a few files (the pre-commit case). Kustomizations are read first: which files are patches must be
known before the patches are checked.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Sequence

from svclint.core.errors import SvclintError
from svclint.input.parsing.loader import LoadOptions
from svclint.input.partial import is_kustomization_file, patch_paths
from svclint.input.sources import Source, read_stdin
from svclint.run.filework import FileJob, FileResult, process, settle
from svclint.run.sharing import SharedValues

# Below this many files, or bytes, one process is faster than a pool.
MIN_FILES_FOR_POOL = 48
MIN_BYTES_FOR_POOL = 2 * 1024 * 1024
# Files handed to the pool ahead of the results, per worker: enough that no worker waits for its next file.
IN_FLIGHT_PER_WORKER = 4

_job: FileJob | None = None

# Told (files done, files in all) as files finish, for a progress display.
Progress = Callable[[int, int], None]


class WorkerLost(SvclintError):
    """A worker process died before returning its file (exit 2)."""


def run_files(
    work: Sequence[tuple[Source, bool]], job: FileJob, jobs: int = 0, progress: Progress | None = None
) -> list[FileResult]:
    stdin = read_stdin(job.options.max_file_bytes) if any(source.real is None for source, _ in work) else None
    results = _Results(len(work), progress)
    job.patches = _read_kustomizations(work, job, stdin, results)
    rest = [i for i in range(len(work)) if i not in results]
    workers = _workers(jobs, [work[i][0] for i in rest])
    if workers <= 1:
        for index in rest:
            source, reported = work[index]
            results.settled(index, process(source, reported, job, stdin))
    else:
        pooled = [i for i in rest if work[i][0].real is not None]
        for index in rest:
            if work[index][0].real is None:
                source, reported = work[index]
                results.settled(index, process(source, reported, job, stdin))
        _pool(workers, work, pooled, job, results)
    return [results[i] for i in range(len(work))]


def _read_kustomizations(
    work: Sequence[tuple[Source, bool]], job: FileJob, stdin: bytes | None, results: _Results
) -> frozenset[str]:
    """Read the kustomization files first (into `results`): the files they name as patches, resolved."""
    patches: set[str] = set()
    for index, (source, reported) in enumerate(work):
        if not is_kustomization_file(source.display):
            continue
        result = results.settled(index, process(source, reported, job, stdin))
        base = os.path.dirname(os.path.abspath(source.display))
        for kustomization in result.kustomizations:
            patches.update(os.path.normpath(os.path.join(base, path)) for path in patch_paths(kustomization))
    return frozenset(patches)


class _Results(dict[int, FileResult]):
    """The results so far, telling the progress display of each new one. Each is settled as it arrives: its
    objects share values with the earlier files' (the table of shared values lives as long as the reading)."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        super().__init__()
        self.total = total
        self.progress = progress
        self.shared = SharedValues()

    def settled(self, index: int, result: FileResult, options: LoadOptions | None = None) -> FileResult:
        settle(result, self.shared, options)
        self[index] = result
        return result

    def __setitem__(self, index: int, result: FileResult) -> None:
        super().__setitem__(index, result)
        if self.progress is not None:
            self.progress(len(self), self.total)


def _workers(jobs: int, sources: Sequence[Source]) -> int:
    if jobs == 1:
        return 1
    if jobs <= 0 and len(sources) < MIN_FILES_FOR_POOL and _size(sources) < MIN_BYTES_FOR_POOL:
        return 1
    import multiprocessing  # here: a one-file run (the pre-commit case) does not pay for importing it

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = jobs if jobs > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, len(sources)))


def _size(sources: Sequence[Source]) -> int:
    return sum(_sizes(sources))


def _sizes(sources: Sequence[Source]) -> list[int]:
    sizes = []
    for source in sources:
        size = 0
        with contextlib.suppress(OSError):
            size = os.path.getsize(source.real) if source.real is not None else 0
        sizes.append(size)
    return sizes


def _pool(
    workers: int, work: Sequence[tuple[Source, bool]], pooled: Sequence[int], job: FileJob, results: _Results
) -> None:
    """Reads the files `pooled` (indexes into `work`) in `workers` processes into `results`. The largest files
    are handed out first, one at a time, so that no worker is left with a few huge bundles at the end while the
    others wait."""
    # fork: workers inherit the compiled rules (which hold compiled patterns and JSONPath objects) as they are.
    global _job
    _job = job
    sizes = _sizes([work[i][0] for i in pooled])
    order = [pooled[k] for k in sorted(range(len(pooled)), key=lambda k: -sizes[k])]
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # concurrent.futures rather than multiprocessing.Pool: when a worker dies (the OOM killer), Pool replaces it
    # and waits forever for the file it held; the executor fails every pending file instead.
    context = multiprocessing.get_context("fork")
    unsent = iter(order)
    returned = 0
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        # A few files per worker in flight, not one future per file up front: a future with its lock and work
        # item costs about 2 KiB, 35 MiB for a 17,000-file tree.
        in_flight: dict[Future[tuple[int, FileResult]], int] = {}
        while True:
            for index in itertools.islice(unsent, IN_FLIGHT_PER_WORKER * workers - len(in_flight)):
                in_flight[pool.submit(_process, (index, *work[index]))] = index
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            # Each result is settled as soon as it arrives: results that crossed from a worker hold fresh copies
            # of every string until then. The progress display counts them as they come, too.
            for future in done:
                index = in_flight.pop(future)
                try:
                    _, result = future.result()
                except BrokenProcessPool:
                    # Leaving the `with` waits for the executor's own thread: one still running at exit can
                    # fail there with EBADF on Python 3.11.
                    raise WorkerLost(
                        f"a process reading files died (killed, out of memory?) before returning "
                        f"{len(order) - returned} of them, {work[index][0].display} among them; run again with "
                        "--jobs 1 to read them in one process"
                    ) from None
                returned += 1
                results.settled(index, result, job.options)


def _process(item: tuple[int, Source, bool]) -> tuple[int, FileResult]:
    assert _job is not None
    index, source, reported = item
    return index, process(source, reported, _job)
