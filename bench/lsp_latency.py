#!/usr/bin/env python3
"""How fast `svclint server` answers, measured over real standard input and output.

    python bench/lsp_latency.py                   # a 1,000-line manifest alone, then inside a copy of the corpus
    python bench/lsp_latency.py --edits 50 --corpus DIR
    python bench/lsp_latency.py --before /tmp/before   # and another svclint source tree, side by side

Cases:

- edit: the median (and 90th percentile) time from a `didChange` of a 1,000-line manifest in a warm server to the
  `publishDiagnostics` for that version, over --edits edits that each change a value and so the findings;
- open: for a workspace the size of the corpus (a copy of it, plus the manifest), the time from starting the
  server to the diagnostics of the manifest opened right away, next to one `svclint lint` of the same folder.

With --before DIR (a source tree such as `git worktree add --detach /tmp/before main`), every case runs for both
trees, one after the other, with the same Python and dependencies.

Timings are wall time on this machine, as shared as it is: compare the numbers of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

SERVICE = """\
---
apiVersion: v1
kind: Service
metadata:
  name: svc-{n}
  labels:
    app: app-{n}
spec:
  type: NodePort
  selector:
    app: app-{n}
  ports:
  - name: http
    port: 80
    targetPort: 8080
    nodePort: {node_port}
    protocol: TCP
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{n}
spec:
  selector:
    matchLabels:
      app: app-{n}
  template:
    metadata:
      labels:
        app: app-{n}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        ports:
        - containerPort: 8080
"""


def manifest(lines: int = 1000) -> str:
    """Services and their Deployments, about `lines` lines."""
    parts, n = [], 0
    while sum(part.count("\n") for part in parts) < lines:
        parts.append(SERVICE.format(n=n, node_port=30000 + n))
        n += 1
    return "".join(parts)


class Timed(LanguageClient):
    def __init__(self) -> None:
        super().__init__("svclint-bench", "1")
        self.arrived: dict[tuple[str, int | None], float] = {}
        self.event = asyncio.Event()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(client: Timed, params: types.PublishDiagnosticsParams) -> None:
            client.arrived[(params.uri, params.version)] = time.perf_counter()
            client.event.set()

    async def wait_for(self, uri: str, version: int) -> float:
        while (uri, version) not in self.arrived:
            self.event.clear()
            await self.event.wait()
        return self.arrived[(uri, version)]


def environment(tree: Path | None) -> dict[str, str] | None:
    """The environment that makes `python -m svclint` import the svclint of `tree` (None: the installed one)."""
    if tree is None:
        return None
    return {**os.environ, "PYTHONPATH": str(tree.resolve())}


async def start(workspace: Path, tree: Path | None = None) -> Timed:
    client = Timed()
    await client.start_io(sys.executable, "-m", "svclint", "server", cwd=str(workspace), env=environment(tree))
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=workspace.as_uri(), process_id=None)
    )
    client.initialized(types.InitializedParams())
    return client


async def stop(client: Timed) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def open_document(client: Timed, path: Path, text: str) -> None:
    item = types.TextDocumentItem(uri=path.as_uri(), language_id="yaml", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))


def cpu_seconds(client: Timed) -> float:
    """User and system CPU time of the server process so far (Linux): what an edit costs, however busy the
    machine is (wall time on a shared machine also counts the time spent waiting for a CPU)."""
    server = client._server
    if server is None:
        return 0.0
    try:
        fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def edit_latencies(
    workspace: Path, path: Path, text: str, edits: int, tree: Path | None = None
) -> tuple[list[float], float]:
    client = await start(workspace, tree)
    open_document(client, path, text)
    await client.wait_for(path.as_uri(), 1)
    cpu_before = cpu_seconds(client)
    line = text.splitlines().index("    protocol: TCP")
    times = []
    for version in range(2, edits + 2):
        value = "tcp" if version % 2 else "TCP"  # every other edit adds a finding, the next one clears it
        start_range = types.Range(
            start=types.Position(line=line, character=14), end=types.Position(line=line, character=17)
        )
        change = types.TextDocumentContentChangePartial(range=start_range, text=value)
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
                content_changes=[change],
            )
        )
        times.append(await client.wait_for(path.as_uri(), version) - sent)
    cpu = (cpu_seconds(client) - cpu_before) / edits
    await stop(client)
    return times, cpu


async def open_time(workspace: Path, path: Path, text: str, tree: Path | None = None) -> float:
    started = time.perf_counter()
    client = await start(workspace, tree)
    open_document(client, path, text)
    arrived = await client.wait_for(path.as_uri(), 1)
    await stop(client)
    return arrived - started


def lint_time(workspace: Path, tree: Path | None = None) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "svclint", "lint", "-q", "."]
    subprocess.run(command, cwd=workspace, capture_output=True, env=environment(tree))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3, help="repetitions of the open case")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--before", type=Path, help="another svclint source tree to measure side by side")
    args = parser.parse_args()
    trees: dict[str, Path | None] = {"": None, **({"before: ": args.before} if args.before else {})}
    text = manifest()
    with tempfile.TemporaryDirectory(prefix="svclint-lsp-bench-") as scratch:
        alone = Path(scratch) / "alone"
        alone.mkdir()
        target = alone / "big.yaml"
        target.write_text(text)
        print(f"manifest: {text.count(chr(10))} lines")
        for label, folder in (("alone", alone), ("in a copy of the corpus", Path(scratch) / "corpus")):
            if folder.name == "corpus":
                shutil.copytree(args.corpus, folder, symlinks=True)
                target = folder / "big.yaml"
                target.write_text(text)
            for name, tree in trees.items():
                times, cpu = asyncio.run(edit_latencies(folder, target, text, args.edits, tree))
                median, p90 = statistics.median(times), statistics.quantiles(times, n=10)[-1]
                print(
                    f"{name}edit -> diagnostics, {label}: median {median * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms; "
                    f"server CPU per edit {cpu * 1000:.1f} ms"
                )
        opened: dict[str, list[float]] = {name: [] for name in trees}
        linted: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(args.runs):
            for name, tree in trees.items():
                opened[name].append(asyncio.run(open_time(folder, target, text, tree)))
                linted[name].append(lint_time(folder, tree))
        for name in trees:
            server, lint = statistics.median(opened[name]), statistics.median(linted[name])
            print(
                f"{name}open the corpus workspace -> first diagnostics: {server:.2f} s; "
                f"svclint lint of it: {lint:.2f} s"
            )


if __name__ == "__main__":
    main()
