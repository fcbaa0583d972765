"""Which files a run reads: explicit files, directories walked for *.yaml/*.yml, and stdin.

Directory walks are sorted (runs are reproducible), do not follow symbolic links to directories (no loops),
skip version-control and tool folders, and report what they cannot read instead of stopping.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from msgspec import Struct

from svclint.core.bounded_read import TooLargeError, read_at_most
from svclint.core.errors import SvclintError
from svclint.core.project import is_inside, repository_root
from svclint.input.excludes import Excludes

YAML_SUFFIXES = (".yaml", ".yml")


UNLIMITED = sys.maxsize - 1


class SourceError(SvclintError):
    """A path given on the command line that does not exist or cannot be read (exit 2)."""


class Source(Struct, frozen=True):
    display: str  # the path as findings show it
    real: Path | None  # None for stdin
    explicit: bool  # named on the command line (read even if not *.yaml, FIFOs included)
    helm_template: bool = False
    problem: str | None = None  # why it cannot be read (walked files only)

    def read(self, stdin: bytes | None = None, limit: int = UNLIMITED) -> bytes:
        """The file's bytes. A regular file over `limit` is not read at all (TooLargeError says its size); a
        stream (stdin, a FIFO) is read up to one byte past the limit, which the loader reports as too large."""
        if self.real is None:
            return stdin if stdin is not None else read_stdin(limit)
        with open(self.real, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                raise TooLargeError(f"{self.display}: over the size limit", info.st_size)
            return read_at_most(handle, limit, info.st_size if stat.S_ISREG(info.st_mode) else 0)


def read_stdin(limit: int = UNLIMITED) -> bytes:
    if sys.stdin is None:
        return b""  # started with stdin closed (`<&-`): an empty stream
    try:
        return read_at_most(sys.stdin.buffer, limit)
    except (OSError, ValueError, AttributeError):
        return b""  # stdin closed early, or replaced by an object without bytes: an empty stream


def collect(
    paths: Sequence[str],
    stdin_filename: str | None = None,
    excludes: Excludes | Sequence[str] = (),
    force_exclude: bool = True,
    on_empty: Callable[[str], None] | None = None,
    allow_outside: bool = False,
) -> list[Source]:
    """The sources of `paths`. `on_empty` hears of each directory that holds nothing to lint. A walk reads a
    file reached through a symbolic link only inside the folder walked or its repository, unless
    `allow_outside`: a committed link to ~/.ssh/id_rsa must not put its lines into a report."""
    excluded = excludes if isinstance(excludes, Excludes) else Excludes(excludes)
    sources: list[Source] = []
    seen: set[tuple[int, int] | str] = set()
    for raw in paths:
        if raw == "-":
            sources.append(Source(stdin_filename or "<stdin>", None, True))
            continue
        found = 0
        for source in _expand(raw, excluded, force_exclude, allow_outside):
            found += 1
            key = source_key(source)
            if key not in seen:
                seen.add(key)
                sources.append(source)
        if not found and on_empty is not None and os.path.isdir(raw):
            on_empty(raw)
    return sources


def source_key(source: Source) -> tuple[int, int] | str:
    """The same file reached by two paths (a directory and a file in it, a symlink) is read once."""
    if source.real is None:
        return source.display
    try:
        info = os.stat(source.real)
    except OSError:
        return os.path.abspath(source.real)
    return (info.st_dev, info.st_ino)


def _expand(raw: str, excludes: Excludes, force_exclude: bool, allow_outside: bool) -> Iterable[Source]:
    path = Path(raw)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SourceError(f"{raw}: no such file or directory") from None
    except OSError as err:
        raise SourceError(f"{raw}: cannot read: {err.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        if not os.access(path, os.R_OK | os.X_OK):
            raise SourceError(f"{raw}: cannot read directory: permission denied")
        yield from _walk(path, excludes, None if allow_outside else _boundaries(path))
        return
    if force_exclude and excludes.named(path):
        return
    if not os.access(path, os.R_OK):
        raise SourceError(f"{raw}: cannot read: permission denied")
    yield Source(_display(path), path, True, helm_template=_in_helm_templates(path))


def _boundaries(root: Path) -> tuple[str, ...]:
    """Where links met in a walk of `root` may lead: the folder itself and its repository."""
    repository = repository_root(root)
    folders = (root,) if repository is None else (root, repository)
    return tuple(os.path.realpath(folder) for folder in folders)


def _walk(root: Path, excludes: Excludes, boundaries: tuple[str, ...] | None) -> Iterable[Source]:
    excluded = excludes.walk(root)
    problems: list[tuple[str, str]] = []

    def on_error(err: OSError) -> None:
        if err.filename:
            problems.append((str(err.filename), f"cannot read directory: {err.strerror}"))

    # Displayed paths are worked out once for the root, then joined: resolving every file costs more than
    # reading small ones, and a symlinked file should read as the link the user has, not as its target.
    root_text, root_display = os.fspath(root), _display(root)
    for directory, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not excluded.skip_directory(directory, d))
        folder_display = _join_display(root_display, directory[len(root_text) :])
        for name in sorted(filenames):
            if not name.endswith(YAML_SUFFIXES):
                continue
            if excluded.skip_file(directory, name):
                continue
            path = Path(directory) / name
            yield _walked_source(path, _join_display(folder_display, name), boundaries)
    for filename, problem in problems:
        yield Source(_display(Path(filename)), Path(filename), False, problem=problem)


def _join_display(base: str, tail: str) -> str:
    tail = tail.strip(os.sep).replace(os.sep, "/")
    if not tail:
        return base
    return tail if base in ("", ".") else f"{base.rstrip('/')}/{tail}"


def _walked_source(path: Path, display: str, boundaries: tuple[str, ...] | None) -> Source:
    if boundaries is not None and os.path.islink(path):
        target = os.path.realpath(path)
        if not any(is_inside(target, folder) for folder in boundaries):
            problem = "a symbolic link that leads outside the project: not read (--allow-outside-project reads it)"
            return Source(display, path, False, problem=problem)
    try:
        info = path.stat()
    except OSError as err:  # a dangling symlink, a loop of symlinks
        return Source(display, path, False, problem=f"cannot read: {err.strerror}")
    if not stat.S_ISREG(info.st_mode):
        return Source(display, path, False, problem="not a regular file (a FIFO, socket or device): skipped")
    if not os.access(path, os.R_OK):
        return Source(display, path, False, problem="cannot read: permission denied")
    return Source(display, path, False, helm_template=_in_helm_templates(path))


def _display(path: Path) -> str:
    """Relative to the working directory when inside it (findings read like `examples/kubia.yaml`)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:
        return path.as_posix()


def _in_helm_templates(path: Path) -> bool:
    """Inside `templates/` of a Helm chart (a folder with Chart.yaml): the files are Go templates."""
    parts = path.parts
    if "templates" not in parts[:-1]:
        return False
    absolute = Path(os.path.abspath(path)).parts
    for index in range(len(absolute) - 2, 0, -1):
        if absolute[index] == "templates":
            return (Path(*absolute[:index]) / "Chart.yaml").is_file()
    return False
