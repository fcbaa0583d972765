"""`svclint server`: a language server over standard input and output (pygls).

Diagnostics for open manifests on open, change and save, with the rules and configuration `svclint lint` uses
in the workspace folder; the workspace's other manifests are the cross-file context, read once and re-read when
they change on disk. Quick fixes make the rules' fixes, hover shows the rule's documentation, and a change to
the configuration file (or the editor's configuration) reloads everything.

Changes are applied as they come and linted once every message sent so far has been read (svclint.lsp.stdio):
a burst of keystrokes costs one lint, of the text as it ends up.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from svclint import __version__
from svclint.core.model import Finding
from svclint.lsp.convert import FIX_ALL, diagnostic, fix_all, hover_text, quick_fix, uri_of
from svclint.lsp.positions import LineMap, contains
from svclint.lsp.stdio import PipeReader
from svclint.lsp.workspace import Workspace

logger = logging.getLogger(__name__)

_CONFIG_NAMES = (".svclint.yaml", ".svclint.yml", "pyproject.toml")
_MANIFEST_SUFFIXES = (".yaml", ".yml")


class SvclintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("svclint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.model: Workspace | None = None
        self.findings: dict[str, list[Finding]] = {}  # by file path: what the diagnostics show
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}
        self._pending: dict[str, None] = {}  # open files whose text changed since the last lint, in order
        # Runs a callback once the messages received so far are handled (serve() gives the reader's).
        self.when_idle: Callable[[Callable[[], None]], None] = _soon

    def load(self) -> None:
        """(Re)read settings, rules and every manifest of the workspace, then lint the open files."""
        root = Path(self.workspace.root_path or os.getcwd())
        gc.unfreeze()
        try:
            model = Workspace(root)
            model.scan()
        except Exception as err:  # a broken configuration or rule file: said, and the server keeps running
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"svclint: {err}"))
            return
        previous = self.model
        self.model = model
        for path in previous.open_paths if previous is not None else self._open_paths():
            model.open(path, self.text_of(path).encode("utf-8"))
        self.publish()
        # What the scan read lives as long as the workspace: the cycle collector, which an edit's allocations set
        # off, need not walk it every time (the last workspace's objects were handed back to it above).
        del previous
        gc.collect()
        gc.freeze()

    def publish(self) -> None:
        model = self.model
        if model is None:
            return
        by_path = model.findings(model.open_paths)
        rules = {rule_id: active.rule for rule_id, active in model.rules.by_id.items()}
        for path, findings in by_path.items():
            lines = LineMap(self.text_of(path))
            shown = [diagnostic(f, lines, rules.get(f.rule_id), self._text_or_none) for f in findings]
            self.findings[path] = findings
            self.diagnostics[path] = shown
            document = self.workspace.get_text_document(uri_of(path))
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=document.uri, diagnostics=shown, version=document.version)
            )

    def changed(self, uri: str) -> None:
        """An editor's text changed: linted with the changes that follow it, once they are read too."""
        path = _path(uri)
        if self.model is None or path is None or not _is_manifest(path):
            return
        if not self._pending:
            self.when_idle(self.flush)
        self._pending[path] = None

    def flush(self) -> None:
        """Lint the editors' texts as they are now, if some changed since the last lint."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        if self.model is None:
            return
        for path in pending:
            if uri_of(path) in self.workspace.text_documents:
                self.model.open(path, self.text_of(path).encode("utf-8"))
        self.publish()

    def closed(self, uri: str) -> None:
        path = _path(uri)
        if self.model is None or path is None:
            return
        self.flush()
        self.model.close(path)
        self.findings.pop(path, None)
        self.diagnostics.pop(path, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
        self.publish()

    def files_changed(self, uris: Iterable[str]) -> None:
        paths = [p for p in (_path(uri) for uri in uris) if p is not None]
        if any(os.path.basename(p) in _CONFIG_NAMES for p in paths):
            self.load()
            return
        if self.model is not None:
            for path in paths:
                if _is_manifest(path):
                    self.model.reread(path)
            self.publish()

    def text_of(self, path: str) -> str:
        return self.workspace.get_text_document(uri_of(path)).source

    def _text_or_none(self, path: str) -> str | None:
        document = self.workspace.text_documents.get(uri_of(path))
        if document is not None:
            source: str = document.source
            return source
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def _open_paths(self) -> list[str]:
        paths = (_path(uri) for uri in self.workspace.text_documents)
        return [p for p in paths if p is not None and _is_manifest(p)]


def _soon(callback: Callable[[], None]) -> None:
    asyncio.get_running_loop().call_soon(callback)


def _path(uri: str) -> str | None:
    path = to_fs_path(uri)
    return os.path.abspath(path) if path else None


def _is_manifest(path: str) -> bool:
    return path.endswith(_MANIFEST_SUFFIXES)


def create_server() -> SvclintServer:
    server = SvclintServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: SvclintServer, params: types.InitializedParams) -> None:
        ls.load()
        _watch_files(ls)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SvclintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SvclintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SvclintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SvclintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: SvclintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.files_changed(change.uri for change in params.changes)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: SvclintServer, params: types.DidChangeConfigurationParams) -> None:
        ls.load()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
    )
    def code_action(ls: SvclintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return _code_actions(ls, params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: SvclintServer, params: types.HoverParams) -> types.Hover | None:
        return _hover(ls, params)

    return server


def _code_actions(ls: SvclintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    ls.flush()  # the findings of the text the request speaks of
    path = _path(params.text_document.uri)
    if path is None or path not in ls.findings:
        return []
    lines = LineMap(ls.text_of(path))
    wanted = params.context.only
    actions: list[types.CodeAction] = []
    if wanted is None or types.CodeActionKind.QuickFix in wanted:
        for finding, shown in zip(ls.findings[path], ls.diagnostics[path], strict=True):
            if finding.fix is not None and _overlaps(shown.range, params.range):
                action = quick_fix(params.text_document.uri, lines, finding, shown)
                if action is not None:
                    actions.append(action)
    if wanted is None or any(FIX_ALL.startswith(kind) for kind in wanted):
        everything = fix_all(params.text_document.uri, lines, ls.findings[path])
        if everything is not None:
            actions.append(everything)
    return actions


def _hover(ls: SvclintServer, params: types.HoverParams) -> types.Hover | None:
    ls.flush()
    path = _path(params.text_document.uri)
    if path is None or ls.model is None or path not in ls.findings:
        return None
    line, column = LineMap(ls.text_of(path)).column(params.position)
    here = [f for f in ls.findings[path] if contains(f.location.span, line, column)]
    if not here:
        return None
    rules = {rule_id: active.rule for rule_id, active in ls.model.rules.by_id.items()}
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, hover_text(here, rules)))


def _overlaps(one: types.Range, other: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(one.start) <= key(other.end) and key(other.start) <= key(one.end)


def _watch_files(ls: SvclintServer) -> None:
    """Ask the editor to report changes to manifests and configuration files, when it can."""
    capabilities: Any = ls.client_capabilities
    watched = getattr(getattr(capabilities, "workspace", None), "did_change_watched_files", None)
    if watched is None or not watched.dynamic_registration:
        return
    watchers = [
        types.FileSystemWatcher(glob_pattern=f"**/{pattern}") for pattern in ("*.yaml", "*.yml", *_CONFIG_NAMES)
    ]
    registration = types.Registration(
        id="svclint-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
    )
    ls.client_register_capability(types.RegistrationParams(registrations=[registration]))


def serve() -> None:
    """Serve over standard input and output until the editor says exit."""
    server = create_server()
    try:
        asyncio.run(_serve(server))
    except (BrokenPipeError, KeyboardInterrupt, SystemExit):  # the editor went away, or said exit
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]  # pygls leaves shutdown() unannotated


async def _serve(server: SvclintServer) -> None:
    stdin = sys.stdin.buffer
    reader: PipeReader | StdinAsyncReader
    try:
        reader = await PipeReader.open(stdin)
        server.when_idle = reader.when_idle
    except (OSError, ValueError):  # not a pipe (a regular file): pygls's reader, a lint per change
        reader = StdinAsyncReader(stdin, server.thread_pool)
    server.protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    await run_async(threading.Event(), reader, server.protocol, logger, server.report_server_error)
