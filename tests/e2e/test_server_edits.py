"""The language server after a sequence of edits publishes what a fresh server started on the same text
publishes: what it keeps between edits (the documents of each file, the index of the workspace) holds nothing of
the earlier text. And a flood of changes is linted once it has been read, not once per change."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from test_lsp_incremental import DEPLOYMENT, SERVICE


def _service(name: str = "front", app: str = "web", protocol: str = "TCP", node_port: int = 30080) -> str:
    text = SERVICE.format(name=name, app=app, target=8080)
    return text.replace("nodePort: 30080", f"protocol: {protocol}\n    nodePort: {node_port}")


def _deployment(app: str) -> str:
    return DEPLOYMENT.format(replicas=1, app=app)


# front.yaml and web.yaml are open in the editor; disk.yaml changes on disk. Each step: the whole text of the
# files it changes ("" empties one).
OPEN = ("front.yaml", "web.yaml")
FIRST = {
    "front.yaml": _service() + "---\n" + _service(name="second", protocol="tcp", node_port=30081),
    "web.yaml": _deployment("web"),
    "disk.yaml": _service(name="other", node_port=30090),
}
STEPS: list[dict[str, str]] = [
    # The workload's label renamed: both Services of front.yaml select nothing.
    {"web.yaml": _deployment("webapp")},
    # A Service on disk takes front.yaml's nodePort; the second Service of front.yaml fixed.
    {
        "disk.yaml": _service(name="other", node_port=30080),
        "front.yaml": _service() + "---\n" + _service(name="second", node_port=30081),
    },
    # A syntax error in the first document of front.yaml; the second document stays.
    {"front.yaml": _service().replace("app: web", "app: [web") + "---\n" + _service(name="second", node_port=30081)},
    # Repaired, with a Service renamed and a third one added; the label renamed back.
    {
        "front.yaml": _service(name="entry")
        + "---\n"
        + _service(name="second", node_port=30081)
        + "---\n"
        + _service(name="third", app="webapp", node_port=30082),
        "web.yaml": _deployment("web"),
    },
    # The Service on disk removed; a document removed from the middle of front.yaml.
    {"disk.yaml": "", "front.yaml": _service(name="entry") + "---\n" + _service(name="third", node_port=30082)},
]


class Client(LanguageClient):
    """Keeps every publication: its URI, version and diagnostics."""

    def __init__(self) -> None:
        super().__init__("svclint-tests", "1")
        self.published: list[types.PublishDiagnosticsParams] = []
        self.arrived = asyncio.Event()

        self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(self._published)

    @staticmethod
    def _published(client: Client, params: types.PublishDiagnosticsParams) -> None:
        client.published.append(params)
        client.arrived.set()

    def latest(self, uri: str) -> types.PublishDiagnosticsParams | None:
        return next((p for p in reversed(self.published) if p.uri == uri), None)

    async def until(self, uri: str, version: int) -> types.PublishDiagnosticsParams:
        while True:
            latest = self.latest(uri)
            if latest is not None and latest.version == version:
                return latest
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), 60)


async def _start(workspace: Path) -> Client:
    client = Client()
    await client.start_io(sys.executable, "-m", "svclint", "server", cwd=str(workspace))
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=workspace.as_uri(), process_id=None)
    )
    client.initialized(types.InitializedParams())
    return client


async def _stop(client: Client) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()  # type: ignore[no-untyped-call]  # pygls leaves stop() unannotated


def _open(client: Client, path: Path, text: str, version: int = 1) -> None:
    item = types.TextDocumentItem(uri=path.as_uri(), language_id="yaml", version=version, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))


def _replace(client: Client, path: Path, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")


def _shown(published: types.PublishDiagnosticsParams, root: Path) -> list[Any]:
    """The diagnostics as a user sees them, files named relative to the workspace."""
    found = []
    for d in published.diagnostics:
        related = [
            (r.location.uri.replace(root.as_uri(), "ROOT"), r.location.range, r.message)
            for r in d.related_information or ()
        ]
        found.append((d.range, d.severity, d.code, d.message.replace(str(root), "ROOT"), related))
    return sorted(found, key=repr)


async def _settled(client: Client, root: Path, versions: dict[str, int]) -> dict[str, list[Any]]:
    """The diagnostics of the open files once each file's current version has been published (a publication for
    one file may come before the last change to another was read: only the latest counts)."""
    for name, version in versions.items():
        await client.until((root / name).as_uri(), version)
    shown = {}
    for name in versions:
        latest = client.latest((root / name).as_uri())
        assert latest is not None
        shown[name] = _shown(latest, root)
    return shown


async def _fresh(root: Path, texts: dict[str, str]) -> dict[str, list[Any]]:
    """What a server started on the workspace as it is now publishes for the open files."""
    client = await _start(root)
    try:
        for name in OPEN:
            _open(client, root / name, texts[name])
        return await _settled(client, root, dict.fromkeys(OPEN, 1))
    finally:
        await _stop(client)


def test_an_edited_workspace_shows_what_a_fresh_server_shows(tmp_path: Path) -> None:
    edited_root = tmp_path / "edited"
    edited_root.mkdir()
    _write(edited_root, FIRST)

    async def main() -> None:
        client = await _start(edited_root)
        texts, versions = dict(FIRST), dict.fromkeys(OPEN, 1)
        try:
            for name in OPEN:
                _open(client, edited_root / name, texts[name])
            codes: set[str] = set()
            for number, step in enumerate(STEPS):
                texts.update(step)
                on_disk = {name: text for name, text in step.items() if name not in OPEN}
                _write(edited_root, on_disk)
                changes = [
                    types.FileEvent(uri=(edited_root / n).as_uri(), type=types.FileChangeType.Changed) for n in on_disk
                ]
                if changes:
                    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=changes))
                # Every open file gets a new version (the same text where the step leaves it): its diagnostics
                # for that version come after every change of the step was read.
                for name in OPEN:
                    versions[name] += 1
                    _replace(client, edited_root / name, versions[name], texts[name])
                got = await _settled(client, edited_root, versions)
                fresh_root = tmp_path / f"fresh-{number}"
                fresh_root.mkdir()
                _write(fresh_root, texts)
                assert got == await _fresh(fresh_root, texts), f"after step {number}"
                codes.update(str(d[2]) for found in got.values() for d in found)
                shutil.rmtree(fresh_root)
            # The steps made cross-file findings and a syntax error come and go, not only per-file ones.
            assert {"SVC001", "SVC202", "SVC206"} <= codes, codes
        finally:
            await _stop(client)

    asyncio.run(asyncio.wait_for(main(), 600))


def test_a_flood_of_changes_is_linted_once_it_is_read(tmp_path: Path) -> None:
    _write(tmp_path, FIRST)
    front = tmp_path / "front.yaml"

    async def main() -> None:
        client = await _start(tmp_path)
        try:
            _open(client, front, FIRST["front.yaml"])
            await client.until(front.as_uri(), 1)
            before = len(client.published)
            # Forty keystrokes sent at once, as a fast typist or a macro would: the last one breaks the protocol.
            last = 41
            for version in range(2, last + 1):
                protocol = "tcp" if version == last else ("TCP" if version % 2 else "Tcp")
                _replace(client, front, version, _service(protocol=protocol))
            final = await client.until(front.as_uri(), last)
            published = [p for p in client.published[before:] if p.uri == front.as_uri()]
            assert len(published) < last - 1, "one lint per change"
            # Diagnostics of the last text: its one unsupported protocol, where that text has it.
            line = _service(protocol="tcp").splitlines().index("    protocol: tcp")
            assert [d.range.start.line for d in final.diagnostics if d.code == "SVC113"] == [line]
        finally:
            await _stop(client)

    asyncio.run(asyncio.wait_for(main(), 300))
