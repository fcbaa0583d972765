"""From a file's bytes to Documents and Resources, with every problem of the input as a located finding.

The fast path (DESIGN.md §2): documents are cut where kubectl cuts them; a document whose top-level `kind` no
rule reads is only syntax-checked by libyaml's event parser (no nodes, no Python objects); the others are
composed by ruamel.yaml's C parser and walked once into plain data with a span index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from _ruamel_yaml import CParser
from msgspec import Struct, field
from msgspec.structs import replace
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.reader import ReaderError

from svclint.core.model import Span
from svclint.core.stats import FileStats
from svclint.input.document import Document, Resource
from svclint.input.parsing.build import (
    AliasLimitExceeded,
    NestingLimitExceeded,
    RecursiveAlias,
    StructureProblem,
    TreeBuilder,
)
from svclint.input.parsing.chunks import Chunk, has_content, split_documents
from svclint.input.parsing.decode import Decoded, decode
from svclint.input.parsing.depth import MAX_DEPTH
from svclint.input.parsing.fallback import MAX_CONFIRM_CHARS, PURE_PARSER_LIMITS, PureComposer, WithoutResolver
from svclint.input.parsing.lines import LineIndex, needs_line_index, yaml_lines

if TYPE_CHECKING:
    from svclint.input.parsing.reuse import ChunkReuse

# Limits that keep hostile input bounded in time and memory (see docs/input.md).
MAX_FLOW_DEPTH = MAX_DEPTH
MAX_INDENT = 2000
_DEEP_INDENT = re.compile(rf"^[ \t?:-]{{{MAX_INDENT}}}", re.MULTILINE)
_BRACKETS = re.compile(r"[\[\]{}]")
_TEMPLATE = re.compile(r"\{\{")
# `{Name}` ending where the parser stopped, as a value or flow item: a placeholder, not a flow mapping.
_GLUED_PLACEHOLDER = re.compile(r"(?:^|[:\[,]|^[ \t]*-)[ \t]*(\{[A-Za-z_][A-Za-z0-9_.-]*\})$")
_AFTER_FLOW_NODE = frozenset(" \t,]}#")
# `{{` as the first thing of a line, a value, a list item or a flow item: where a template action goes.
_TEMPLATE_ACTION = re.compile(r"(?:^|[:\[,]|^[ \t]*-)[ \t]*\{\{", re.MULTILINE)


class LoadOptions(Struct, frozen=True):
    skip_kinds: frozenset[str] = frozenset()  # kinds that are only syntax-checked, never built
    max_file_bytes: int = 32 * 1024 * 1024
    helm_template: bool = False  # the file sits in a Helm chart's templates/ folder
    forbid_tags: bool = False  # refuse explicit YAML tags (rule and configuration files)
    objects: bool = True  # documents are Kubernetes objects (False: rule, configuration, firewall files)


class LoadedFile(Struct):
    path: str
    documents: list[Document] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    problems: list[StructureProblem] = field(default_factory=list)
    stats: FileStats = field(default_factory=FileStats)
    # `# svclint: ...` comments, for in-source suppressions.
    comments: list[DirectiveComment] = field(default_factory=list)
    holds_objects: bool = False  # some document is a Kubernetes object, or half of one
    # Documents that are lists or scalars: errors in a manifest, nothing in a file that is not one.
    shapeless: list[StructureProblem] = field(default_factory=list)


class _Composer(WithoutResolver, CParser):  # type: ignore[misc]
    """ruamel.yaml's C composer without its resolver: svclint resolves scalars itself (resolve.py)."""


def load_bytes(path: str, raw: bytes, options: LoadOptions, reuse: ChunkReuse | None = None) -> LoadedFile:
    if len(raw) > options.max_file_bytes:
        return too_large(path, len(raw), options)
    loaded = LoadedFile(path)
    decoded = decode(raw)
    if not isinstance(decoded, Decoded):
        loaded.stats.skipped_file = True
        loaded.problems.append(
            StructureProblem("unreadable-file", decoded.reason, Span.point(decoded.line, decoded.col))
        )
        return loaded
    return load_text(path, decoded.text, options, loaded, reuse)


def too_large(path: str, size: int, options: LoadOptions) -> LoadedFile:
    """A file over the size limit, reported without being read (its size comes from stat)."""
    loaded = LoadedFile(path)
    loaded.stats.skipped_file = True
    mib, limit = size / (1024 * 1024), options.max_file_bytes / (1024 * 1024)
    loaded.problems.append(
        StructureProblem(
            "resource-limit",
            f"file is {mib:.1f} MiB, over the {limit:.0f} MiB limit: not linted (raise --max-file-size)",
            Span.point(1, 1),
        )
    )
    return loaded


def load_text(
    path: str, text: str, options: LoadOptions, loaded: LoadedFile | None = None, reuse: ChunkReuse | None = None
) -> LoadedFile:
    """The file's documents and problems; with `reuse`, the documents it read last time stay as they were built."""
    loaded = loaded if loaded is not None else LoadedFile(path)
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line ends: libyaml and editors agree on lines
    chunks = split_documents(text)
    templates: frozenset[int] = frozenset()
    if "{{" in text:
        found = _template_chunks(text, chunks, options)
        if found is None:
            loaded.stats.skipped_file = True
            loaded.problems.append(_template_problem(text))
            return loaded
        templates = found
    if "svclint:" in text:
        loaded.comments = directive_comments(text)
        if templates:  # what is not linted has nothing to suppress
            loaded.comments = [c for c in loaded.comments if not _inside(chunks, templates, c.line)]
    index = 0
    for number, chunk in enumerate(chunks):
        if not has_content(chunk.text):
            continue
        if number in templates:
            loaded.stats.documents += 1
            loaded.problems.append(_template_problem(chunk.text, chunk.first_line, whole_file=False))
            index += 1
            continue
        if reuse is None:
            index = _load_chunk(loaded, chunk, index, options)
        else:
            index = reuse.load(loaded, chunk, index, options, partial(_load_chunk, loaded, chunk, index, options))
    _settle_manifest(loaded)
    return loaded


def _settle_manifest(loaded: LoadedFile) -> None:
    """A file none of whose documents is a Kubernetes object (Helm values, a CI configuration, a list of Docker
    labels, a symbolic link stored as a text file holding a path) is not a manifest: it is counted, not
    reported. In a file that holds objects, a document that is a list or a scalar is an error."""
    if loaded.holds_objects:
        loaded.problems.extend(loaded.shapeless)
    else:
        loaded.stats.not_kubernetes += len(loaded.shapeless)
        broken = any(p.code in ("yaml-syntax", "resource-limit", "template-file") for p in loaded.problems)
        loaded.stats.not_kubernetes_file = loaded.stats.documents > 0 and not broken
    loaded.shapeless = []


def _load_chunk(loaded: LoadedFile, chunk: Chunk, index: int, options: LoadOptions) -> int:
    stats = loaded.stats
    depth_problem = _nesting_problem(chunk)
    if depth_problem is not None:
        stats.documents += 1
        loaded.problems.append(depth_problem)
        return index + 1
    hint = chunk.kind_hint
    if hint is not None and hint in options.skip_kinds:
        stats.documents += 1
        stats.syntax_only += 1
        loaded.holds_objects = True  # a built-in kind at the top level of the document
        error = syntax_error(chunk.text)
        if error is not None:
            loaded.problems.append(_syntax_problem(error, chunk))
        return index + 1
    return _compose_chunk(loaded, chunk, index, options)


def _compose_chunk(loaded: LoadedFile, chunk: Chunk, index: int, options: LoadOptions) -> int:
    """Compose with the fast C parser; when it refuses the text, start the chunk again with the pure parser,
    whose verdict stands (fallback.py)."""
    before = _Checkpoint(loaded)
    end, error = _compose(_Composer, loaded, chunk, index, options)
    if error is not None and len(chunk.text) <= MAX_CONFIRM_CHARS:
        before.restore(loaded)
        try:
            end, error = _compose(PureComposer, loaded, chunk, index, options)
        except PURE_PARSER_LIMITS:
            before.restore(loaded)
            end, error = _compose(_Composer, loaded, chunk, index, options)
    if error is not None:
        # The broken document counts as one (the parser stops at its first error).
        loaded.stats.documents += 1
        loaded.problems.append(_syntax_problem(error, chunk))
        end += 1
    return end


def _compose(
    parser: type[Any], loaded: LoadedFile, chunk: Chunk, index: int, options: LoadOptions
) -> tuple[int, Exception | None]:
    """Build the chunk's documents until the end or the first syntax error: (next index, the error)."""
    budget = 2 * len(chunk.text) + 10_000
    composer = None
    line_index = LineIndex(chunk.text) if needs_line_index(chunk.text) else None
    try:
        composer = parser(chunk.text)  # the pure parser's reader checks the characters here
        while composer.check_node():
            node = composer.get_node()
            loaded.stats.documents += 1
            _add_document(loaded, node, chunk, index, budget, options, line_index)
            index += 1
    except (YAMLError, ValueError) as err:
        return index, err
    finally:
        if composer is not None:
            composer.dispose()
    return index, None


class _Checkpoint:
    """What a file held before a chunk was composed, to start the chunk again."""

    def __init__(self, loaded: LoadedFile) -> None:
        self._sizes = (len(loaded.documents), len(loaded.resources), len(loaded.problems))
        self._stats = replace(loaded.stats)

    def restore(self, loaded: LoadedFile) -> None:
        documents, resources, problems = self._sizes
        del loaded.documents[documents:], loaded.resources[resources:], loaded.problems[problems:]
        loaded.stats = replace(self._stats)


def syntax_error(text: str) -> Exception | None:
    """The syntax error of a text that is only checked, never built: the C event parser's, confirmed by the
    pure parser's (fallback.py)."""
    try:
        CParser(text).raw_parse()
    except (YAMLError, ValueError) as fast_error:
        if len(text) > MAX_CONFIRM_CHARS:
            return fast_error
        try:
            PureComposer(text).check_events()
        except (YAMLError, ValueError) as error:
            return error
        except PURE_PARSER_LIMITS:
            return fast_error
    return None


def _add_document(
    loaded: LoadedFile,
    node: Any,
    chunk: Chunk,
    index: int,
    budget: int,
    options: LoadOptions,
    line_index: LineIndex | None,
) -> None:
    builder = TreeBuilder(chunk.first_line, budget, options.forbid_tags, line_index=line_index)
    try:
        built = builder.build(node)
    except AliasLimitExceeded:
        loaded.problems.append(
            StructureProblem(
                "resource-limit",
                f"expanding the aliases of this document would build more than {budget:,} values "
                "(a 'billion laughs' document, CVE-2019-11253): not linted",
                builder.span(node),
            )
        )
        return
    except NestingLimitExceeded as err:
        deepest = builder.span(err.node)
        loaded.problems.append(
            StructureProblem(
                "resource-limit",
                f"values nested deeper than {MAX_DEPTH} levels: document not linted",
                Span.point(deepest.start_line, deepest.start_col),
            )
        )
        return
    except RecursiveAlias as err:
        loaded.problems.append(_recursive_alias_problem(chunk, err.node.start_mark.index, builder.span(err.node)))
        return
    loaded.stats.built += 1
    document = Document(loaded.path, index, built.data, built.spans)
    loaded.documents.append(document)
    loaded.problems.extend(built.problems)
    if options.objects:
        loaded.resources.extend(_resources_of(loaded, document))


def _recursive_alias_problem(chunk: Chunk, anchored_at: int, anchored: Span) -> StructureProblem:
    """The alias that refers to a collection it sits in. Aliases have no nodes of their own (an alias is the
    anchored node), so the events of the chunk are read again to find where it is written."""
    where = _recursive_alias_at(chunk.text, anchored_at)
    line, col = anchored.start_line, anchored.start_col
    if where is not None:
        line, col = LineIndex(chunk.text).position(where)
        line, col = line + chunk.first_line + 1, col + 1
    return StructureProblem(
        "invalid-structure",
        "this alias refers to a collection that contains it: the value would be infinite, and kubectl cannot decode it",
        Span.point(line, col),
        identity="recursive-alias",
    )


def _recursive_alias_at(text: str, after: int) -> int | None:
    """The offset of the first alias, from offset `after` on, whose anchor is still open."""
    parser = CParser(text)
    open_anchors: list[str | None] = []
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                open_anchors.append(event.anchor)
            elif isinstance(event, CollectionEndEvent):
                open_anchors.pop()
            elif isinstance(event, AliasEvent) and event.anchor in open_anchors and event.start_mark.index >= after:
                return int(event.start_mark.index)
    except (YAMLError, ValueError):  # pragma: no cover - the chunk was composed without error
        return None
    finally:
        parser.dispose()
    return None  # pragma: no cover - a cycle always has its alias


def _resources_of(loaded: LoadedFile, document: Document) -> Iterable[Resource]:
    data = document.data
    if _is_json_patch(data):
        loaded.stats.not_kubernetes += 1  # a kustomize JSON 6902 patch: a list of operations, not an object
        return
    if not isinstance(data, dict):
        _not_a_mapping(loaded, document)
        return
    if not _is_object_like(data):
        # Neither an object nor half of one: Chart.yaml (apiVersion only), kustomization.yaml, values files, and
        # the body of a `kubectl patch` (metadata and spec, no type information).
        loaded.stats.not_kubernetes += 1
        return
    loaded.holds_objects = True
    kind = data.get("kind")
    items = data.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        yield from _list_items(loaded, document, kind, items)
    elif _has_type_info(loaded, document, data, ()):
        yield Resource(document, (), data)


def _not_a_mapping(loaded: LoadedFile, document: Document) -> None:
    data = document.data
    shape = "a sequence" if isinstance(data, list) else "a scalar"
    problem = StructureProblem(
        "invalid-structure",
        f"this document is {shape}, not a mapping: kubectl cannot decode it into a Kubernetes object",
        document.locate(()),
    )
    if isinstance(data, list) and any(isinstance(item, dict) and _is_object_like(item) for item in data):
        loaded.holds_objects = True  # objects written as a list: meant as a manifest
        loaded.problems.append(problem)
    else:
        loaded.shapeless.append(problem)


def _list_items(loaded: LoadedFile, document: Document, kind: str, items: list[Any]) -> Iterable[Resource]:
    """The objects of a `kind: ...List` document (`items`)."""
    for position, item in enumerate(items):
        item_path = ("items", position)
        if isinstance(item, dict) and _has_type_info(loaded, document, item, item_path):
            yield Resource(document, item_path, item)
        elif not isinstance(item, dict):
            loaded.problems.append(
                StructureProblem(
                    "invalid-structure",
                    f"items[{position}] of this {kind} is not a mapping: kubectl cannot decode it",
                    document.locate(item_path),
                )
            )


def _is_object_like(data: dict[str, Any]) -> bool:
    """Both apiVersion and kind, or one of them and metadata: an object, or half of one (SVC007)."""
    has_version, has_kind = "apiVersion" in data, "kind" in data
    return (has_version and has_kind) or ((has_version or has_kind) and isinstance(data.get("metadata"), dict))


def _is_json_patch(data: Any) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(item, dict) and "op" in item and "path" in item for item in data)
    )


def _has_type_info(loaded: LoadedFile, document: Document, data: dict[str, Any], prefix: tuple[Any, ...]) -> bool:
    for field_name in ("apiVersion", "kind"):
        value = data.get(field_name)
        if not isinstance(value, str) or not value:
            state = "missing" if field_name not in data else "not a non-empty string"
            loaded.problems.append(
                StructureProblem(
                    "missing-type-info",
                    f"{field_name} is {state}: kubectl cannot tell what kind of object this is",
                    document.locate((*prefix, field_name)),
                )
            )
            return False
    return True


def _syntax_problem(err: Exception, chunk: Chunk) -> StructureProblem:
    if isinstance(err, MarkedYAMLError) and err.problem_mark is not None:
        mark = err.problem_mark
        message = err.problem or "invalid YAML"
        if err.context:
            message = f"{message} ({err.context})"
        line, column = mark.line, mark.column
        if needs_line_index(chunk.text) and getattr(mark, "index", None) is not None:
            line, column = LineIndex(chunk.text).position(mark.index)
        if "tab" in message or _char_at(chunk.text, line, column) == "\t":
            message += ": a tab character; YAML does not allow tabs for indentation"
        line, column = _within(chunk.text, line, column)
        placeholder = _glued_placeholder(chunk.text, line, column)
        if placeholder is not None:
            return _placeholder_problem(placeholder, line + chunk.first_line + 1, column + 1)
        return StructureProblem("yaml-syntax", message, Span.point(line + chunk.first_line + 1, column + 1))
    if isinstance(err, ReaderError):
        line, col = _line_col(chunk.text, err.position)
        return StructureProblem(
            "yaml-syntax",
            f"{err.reason}: character U+{err.character:04X}" if isinstance(err.character, int) else err.reason,
            Span.point(line + chunk.first_line, col),
        )
    return StructureProblem("yaml-syntax", str(err) or "invalid YAML", Span.point(chunk.first_line + 1, 1))


def _within(text: str, line: int, column: int) -> tuple[int, int]:
    """A 0-based mark moved back into the text: at the end of a file without a final line break, libyaml marks
    the start of a line that does not exist; editors (and yamllint) put that place at the end of the last line."""
    last = text.count("\n")
    if line > last or (line == last and not text.endswith("\n") and column > len(text) - text.rfind("\n") - 1):
        return last, len(text) - (text.rfind("\n") + 1)
    return line, column


def _glued_placeholder(text: str, line: int, column: int) -> str | None:
    """A text placeholder such as `{IPv6}` that the parser stopped right after, glued to more text
    (`cidr: {IPv6}/128`): YAML reads `{IPv6}` as a flow mapping, and nothing may follow one but a separator, so
    such text can only be a template that a script fills in (Python's str.format, a Go test's
    strings.Replace) before anything applies it."""
    lines = text.split("\n")
    if line >= len(lines):
        return None
    before, rest = lines[line][:column], lines[line][column:]
    match = _GLUED_PLACEHOLDER.search(before)
    if match is None or not rest or rest[0] in _AFTER_FLOW_NODE:
        return None
    return match.group(1)


def _placeholder_problem(placeholder: str, line: int, column: int) -> StructureProblem:
    """At the placeholder, which ends where the parser stopped (1-based `column`)."""
    return StructureProblem(
        "template-file",
        f"this document is a text template: {placeholder} is a placeholder glued to more text, which YAML cannot "
        "read; it is filled in before the document is applied. Skipped: lint the filled-in output instead",
        Span(line, column - len(placeholder), line, column),
    )


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 0-based line and column, or '' past the end."""
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    position = start + column
    return text[position] if position < len(text) else ""


def _line_col(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    line = before.count("\n") + 1
    return line, position - (before.rfind("\n") + 1) + 1


def _nesting_problem(chunk: Chunk) -> StructureProblem | None:
    """libyaml's cost grows with the square of the nesting depth and its composer recurses in C: refuse first."""
    text = chunk.text
    deep = _DEEP_INDENT.search(text)
    if deep is not None:
        line, col = _line_col(text, deep.start())
        return StructureProblem(
            "resource-limit",
            f"indentation deeper than {MAX_INDENT} columns: document not linted",
            Span.point(line + chunk.first_line, col),
        )
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return None
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_FLOW_DEPTH:
            line, col = _line_col(text, match.start())
            return StructureProblem(
                "resource-limit",
                f"flow collections nested deeper than {MAX_FLOW_DEPTH} levels: document not linted",
                Span.point(line + chunk.first_line, col),
            )
    return None


def _template_chunks(text: str, chunks: list[Chunk], options: LoadOptions) -> frozenset[int] | None:
    """The documents that are Go/Helm templates; None when the whole file is one.

    A file in a chart's templates/ folder is a template. Elsewhere, a document is one when `{{` starts a value or
    a line and the document is not valid YAML, or libyaml reads the action as a flow mapping used as a key
    (`name: {{ .Release.Name }}` parses as exactly that): real manifests never have such keys. `{{` inside quoted
    values (Prometheus alert texts) is fine. Only those documents are skipped, as long as every other document
    of the file parses; otherwise the template's control flow spans documents and the whole file is skipped.
    """
    if options.helm_template:
        return None
    if not _TEMPLATE_ACTION.search(text):
        return frozenset()
    found = frozenset(number for number, chunk in enumerate(chunks) if _is_template_chunk(chunk))
    if not found:
        return found
    others = [chunk for number, chunk in enumerate(chunks) if number not in found and has_content(chunk.text)]
    if not others or not all(_parses(chunk.text) for chunk in others):
        return None
    return found


def _inside(chunks: list[Chunk], numbers: frozenset[int], line: int) -> bool:
    """Whether the 1-based file line belongs to one of the chunks numbered."""
    for number in numbers:
        text = chunks[number].text
        last = chunks[number].first_line + text.count("\n") + (0 if text.endswith("\n") else 1)
        if chunks[number].first_line < line <= last:
            return True
    return False


def _is_template_chunk(chunk: Chunk) -> bool:
    if "{{" not in chunk.text or not _TEMPLATE_ACTION.search(chunk.text) or _nesting_problem(chunk) is not None:
        return False
    return not _parses(chunk.text) or _has_collection_key(chunk.text)


def _parses(text: str) -> bool:
    return syntax_error(text) is None


def _has_collection_key(text: str) -> bool:
    composer = _Composer(text)
    try:
        while composer.check_node():
            pending = [composer.get_node()]
            while pending:
                node = pending.pop()
                if isinstance(node.value, list):
                    for item in node.value:
                        if isinstance(item, tuple):
                            if not isinstance(item[0].value, str):
                                return True
                            pending.append(item[1])
                        else:
                            pending.append(item)
    except (YAMLError, ValueError):
        return True
    finally:
        composer.dispose()
    return False


def _template_problem(text: str, first_line: int = 0, whole_file: bool = True) -> StructureProblem:
    match = _TEMPLATE.search(text)
    position = match.start() if match else 0
    line, col = _line_col(text, position)
    line += first_line
    what = "this file is" if whole_file else "this document is"
    rest = "" if whole_file else " (the other documents of the file are linted)"
    return StructureProblem(
        "template-file",
        f"{what} a Go/Helm template ({{{{ ... }}}}), not a manifest: skipped{rest}. "
        "Lint the rendered output instead: helm template . | svclint lint -",
        Span(line, col, line, col + 2),
    )


_DIRECTIVE = re.compile(r"#[ \t]*svclint:[^\r\n]*")


class DirectiveComment(Struct, frozen=True):
    """A `# svclint: ...` comment: where it is, and which line it speaks about."""

    line: int
    col: int
    text: str  # from "svclint:" on
    target_line: int  # its own line, or for a comment alone on its line, the next line with content


def directive_comments(text: str) -> list[DirectiveComment]:
    """Every `# svclint:` comment, in one pass over the lines (linear however many comments follow each other)."""
    lines = yaml_lines(text)
    found = []
    for number, line in enumerate(lines, start=1):
        if "svclint:" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if match is None or not _is_comment(line, match.start()):
            continue
        body = match.group()[1:].strip()
        alone = not line[: match.start()].strip()
        found.append(DirectiveComment(number, match.start() + 1, body, 0 if alone else number))
    if any(comment.target_line == 0 for comment in found):
        following = _next_content_lines(lines)
        found = [
            comment if comment.target_line else replace(comment, target_line=following[comment.line] or comment.line)
            for comment in found
        ]
    return found


def _next_content_lines(lines: list[str]) -> list[int]:
    """For each 1-based line number, the first later line that is neither blank nor a comment (0: none)."""
    following = [0] * (len(lines) + 2)
    upcoming = 0
    for number in range(len(lines), 0, -1):
        following[number] = upcoming
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            upcoming = number
    return following


def _is_comment(line: str, position: int) -> bool:
    """`#` starts a comment at the start of a line or after a blank, outside quotes (a good approximation)."""
    before = line[:position]
    if before and not before[-1].isspace():
        return False
    return before.count('"') % 2 == 0 and before.count("'") % 2 == 0
