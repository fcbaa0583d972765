"""`svclint server` driven over real standard input and output by an LSP client (pytest-lsp's)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - {name: ü🚀, port: 80, protocol: tcp}
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 80
"""
# `tcp` on line 9: 11 characters, then `ü🚀` (two code points, three UTF-16 units), then 22 more.
TCP_RANGE = types.Range(types.Position(8, 36), types.Position(8, 39))

Session = Callable[[LanguageClient, Path], Awaitable[None]]


def run_session(workspace: Path, session: Session) -> None:
    async def main() -> None:
        client = make_test_lsp_client()
        await client.start_io(sys.executable, "-m", "svclint", "server", "--stdio", cwd=str(workspace))
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=workspace.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
            )
        )
        try:
            await session(client, workspace)
        finally:
            await client.shutdown_session()
            await client.stop()  # type: ignore[no-untyped-call]  # pygls leaves stop() unannotated

    asyncio.run(asyncio.wait_for(main(), 90))


def _workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "service.yaml").write_text(SERVICE, encoding="utf-8")
    (workspace / "deploy.yaml").write_text(DEPLOYMENT, encoding="utf-8")
    return workspace


async def _until(
    client: LanguageClient, uri: str, holds: Callable[[list[str]], bool] = lambda codes: True
) -> Sequence[types.Diagnostic]:
    """The diagnostics of `uri` once the server has published some whose rule codes satisfy `holds`."""
    while True:
        published = client.diagnostics.get(uri)
        if published is not None and holds(_codes(published)):
            return published
        await asyncio.sleep(0.02)


def _open(client: LanguageClient, path: Path, text: str) -> None:
    document = types.TextDocumentItem(uri=path.as_uri(), language_id="yaml", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=document))


def _change(
    client: LanguageClient, path: Path, version: int, start: types.Position, end: types.Position, new: str
) -> None:
    change = types.TextDocumentContentChangePartial(range=types.Range(start, end), text=new)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[change],
        )
    )


def _codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def test_diagnostics_have_utf16_ranges_and_an_edit_that_fixes_clears_them(tmp_path: Path) -> None:
    async def session(client: LanguageClient, workspace: Path) -> None:
        service = workspace / "service.yaml"
        _open(client, service, SERVICE)
        diagnostics = await _until(client, service.as_uri())
        protocol = [d for d in diagnostics if d.code == "SVC113"]
        assert [(d.range, d.severity, d.source) for d in protocol] == [
            (TCP_RANGE, types.DiagnosticSeverity.Error, "svclint")
        ]
        assert protocol[0].message.startswith('spec.ports[0].protocol "tcp" is not supported')
        _change(client, service, 2, TCP_RANGE.start, TCP_RANGE.end, "TCP")
        await _until(client, service.as_uri(), lambda codes: "SVC113" not in codes)

    run_session(_workspace(tmp_path), session)


def test_a_cross_file_finding_follows_the_other_file(tmp_path: Path) -> None:
    async def session(client: LanguageClient, workspace: Path) -> None:
        service, deploy = workspace / "service.yaml", workspace / "deploy.yaml"
        _open(client, service, SERVICE)
        assert "SVC202" not in _codes(await _until(client, service.as_uri(), lambda codes: "SVC113" in codes))
        # An unsaved edit in the editor: the Deployment's pods are relabelled.
        _open(client, deploy, DEPLOYMENT)
        await _until(client, deploy.as_uri())
        _change(client, deploy, 2, types.Position(11, 13), types.Position(11, 16), "api")
        published = await _until(client, service.as_uri(), lambda codes: "SVC202" in codes)
        mismatch = [d for d in published if d.code == "SVC202"]
        assert len(mismatch) == 1 and mismatch[0].range.start == types.Position(line=5, character=2)
        _change(client, deploy, 3, types.Position(11, 13), types.Position(11, 16), "web")
        await _until(client, service.as_uri(), lambda codes: "SVC202" not in codes)
        # Closed, then changed on disk: the server reads the file again when the editor says so.
        closing = types.TextDocumentIdentifier(uri=deploy.as_uri())
        client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=closing))
        await _until(client, deploy.as_uri(), lambda codes: codes == [])
        deploy.write_text(DEPLOYMENT.replace("app: web", "app: shop"), encoding="utf-8")
        changed = types.FileEvent(uri=deploy.as_uri(), type=types.FileChangeType.Changed)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[changed]))
        await _until(client, service.as_uri(), lambda codes: "SVC202" in codes)

    run_session(_workspace(tmp_path), session)


def test_a_code_action_makes_the_fix_and_hover_shows_the_rule(tmp_path: Path) -> None:
    async def session(client: LanguageClient, workspace: Path) -> None:
        service = workspace / "service.yaml"
        _open(client, service, SERVICE)
        diagnostics = await _until(client, service.as_uri(), lambda codes: "SVC113" in codes)
        protocol = next(d for d in diagnostics if d.code == "SVC113")
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=service.as_uri()),
                range=TCP_RANGE,
                context=types.CodeActionContext(diagnostics=[protocol], only=[types.CodeActionKind.QuickFix]),
            )
        )
        assert actions is not None
        quick = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix]
        assert [a.title for a in quick] == ['Replace "tcp" with "TCP" (SVC113)']
        assert quick[0].edit is not None and quick[0].edit.changes == {
            service.as_uri(): (types.TextEdit(range=TCP_RANGE, new_text="TCP"),)
        }
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=service.as_uri()),
                position=types.Position(line=8, character=37),
            )
        )
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value.startswith("**SVC113** unsupported-protocol: spec.ports[0].protocol")
        assert "### What it does" in hover.contents.value and "case-sensitive" in hover.contents.value

    run_session(_workspace(tmp_path), session)


def test_a_configuration_change_reloads_the_rules(tmp_path: Path) -> None:
    async def session(client: LanguageClient, workspace: Path) -> None:
        service = workspace / "service.yaml"
        _open(client, service, SERVICE)
        await _until(client, service.as_uri(), lambda codes: "SVC113" in codes)
        config = workspace / ".svclint.yaml"
        config.write_text("disable: [unsupported-protocol]\n", encoding="utf-8")
        created = types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[created]))
        await _until(client, service.as_uri(), lambda codes: "SVC113" not in codes)

    run_session(_workspace(tmp_path), session)
