"""Acceptance parity: svclint calls YAML a syntax error only where kubectl would.

The fast C parser (the libyaml in ruamel.yaml.clib) rejects some valid YAML; svclint confirms each of its
errors with ruamel's pure-Python parser. Judged against PyYAML's libyaml loader (a newer libyaml, test-only),
document by document as kubectl cuts them: no SVC001 where it loads a document, SVC001 where it and the pure
parser both reject one. And where both parsers accept a document, the pure parser's path builds exactly the
values, tags and spans the fast path builds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import SHARED, builtin_rules
from svclint.core.model import Span
from svclint.input.parsing.build import TreeBuilder
from svclint.input.parsing.chunks import Chunk, split_documents
from svclint.input.parsing.decode import Decoded, decode
from svclint.input.parsing.fallback import PureComposer
from svclint.input.parsing.loader import LoadOptions, _Composer, load_bytes
from svclint.run.rules import skip_kinds

PROJECTS = sorted(p for folder in ("corpus", "realworld") for p in (SHARED / folder).iterdir() if p.is_dir())

# Valid YAML the bundled libyaml refuses, or that tests the edges of the fallback; each a whole file.
VALID_EDGE_CASES = {
    "flow-colon": "kind: ConfigMap\nstaticConfigs:\n- targets: [frontend:80, 'b:81']\n",
    "flow-colon-built": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations: {a: b:c}\n"
    "spec:\n  ports: [{port: 80}]\n  selector: {app: [web:1]}\n",
    "flow-urls": "kind: Probe\nspec:\n  targets: [http://frontend:80/healthz, https://x.example.com:8443]\n",
    "block-url": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n"
    "    link: http://example.com:8080/a#b\nspec:\n  ports:\n  - port: 80\n",
    "complex-key": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n? labels\n: {app: web}\nspec:\n"
    "  ports:\n  - port: 80\n",
    "tabs-after-values": "apiVersion: v1\t\nkind: Service\t# a comment\nmetadata:\n  name: web\t\n"
    "spec:\n  ports:\n  - port: 80\t\n",
    "yaml-1.1-directive": "%YAML 1.1\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
    "spec:\n  ports:\n  - port: 80\n",
    "yaml-1.2-directive": "%YAML 1.2\n%TAG !k! tag:k8s.io,2024:\n---\napiVersion: v1\nkind: Service\n"
    "metadata:\n  name: !k!name web\nspec:\n  ports:\n  - port: !!int '80'\n",
    "two-documents": "kind: ConfigMap\ndata: {a: b:c}\n---\napiVersion: v1\nkind: Service\nmetadata:\n"
    "  name: web\n  annotations: {x: y:z}\nspec:\n  ports:\n  - port: 80\n",
}
# Invalid YAML for every parser: the error must be reported, at the place the pure parser gives.
INVALID_EDGE_CASES = {
    "tab-indentation": ("apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n", (4, 1)),
    "unclosed-flow": ("kind: ConfigMap\ndata: [a:1, b\n", (3, 1)),
    "unclosed-quote": ('apiVersion: v1\nkind: Service\nmetadata:\n  name: "web\n', (5, 1)),
    "bad-indentation": ("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n labels: {}\n", (5, 2)),
    "flow-colon-then-junk": ("kind: ConfigMap\ndata: [a:1] b\n", (2, 13)),
    "second-yaml-directive": ("%YAML 1.1\n%YAML 1.1\n---\nkind: ConfigMap\n", (2, 1)),
}


def _pyyaml_loads(text: str) -> bool:
    try:
        for _ in yaml.compose_all(text, Loader=yaml.CSafeLoader):
            pass
    except yaml.YAMLError:
        return False
    return True


def _pure_parser_loads(text: str) -> bool:
    try:
        PureComposer(text).check_events()
    except Exception:  # ruamel.yaml's errors share no base class with PyYAML's
        return False
    return True


def _texts(project: Path) -> Iterator[tuple[Path, bytes, str]]:
    for path in sorted(project.rglob("*")):
        if path.suffix in (".yaml", ".yml") and path.is_file():
            raw = path.read_bytes()
            decoded = decode(raw)
            if isinstance(decoded, Decoded):
                yield path, raw, decoded.text


def _syntax_lines(path: Path, raw: bytes, options: LoadOptions, codes: tuple[str, ...] = ("yaml-syntax",)) -> list[int]:
    return [p.span.start_line for p in load_bytes(str(path), raw, options).problems if p.code in codes]


def _lines_of(chunk: Chunk) -> range:
    return range(chunk.first_line + 1, chunk.first_line + chunk.text.count("\n") + 2)


def _check_parity(path: Path, raw: bytes, text: str, options: LoadOptions) -> list[str]:
    """What breaks parity in one file, document by document."""
    reported = _syntax_lines(path, raw, options)
    # A document both reject may instead be a text template (a `{placeholder}` glued to text): SVC004 says so.
    refused = _syntax_lines(path, raw, options, ("yaml-syntax", "template-file"))
    wrong = []
    for chunk in split_documents(text):
        lines = _lines_of(chunk)
        here = [line for line in reported if line in lines]
        if _pyyaml_loads(chunk.text):
            if here:
                wrong.append(f"{path}:{here[0]}: SVC001 on a document libyaml loads")
        elif not _pure_parser_loads(chunk.text) and not any(line in lines for line in refused):
            wrong.append(f"{path}:{lines[0]}: no SVC001 on a document both parsers reject")
    return wrong


@pytest.fixture(scope="module")
def run_options() -> LoadOptions:
    return LoadOptions(skip_kinds=skip_kinds(builtin_rules()))


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_syntax_error_where_libyaml_loads_and_one_where_both_reject(project: Path, run_options: LoadOptions) -> None:
    wrong = [w for path, raw, text in _texts(project) for w in _check_parity(path, raw, text, run_options)]
    assert wrong == []


@pytest.mark.parametrize("name", sorted(VALID_EDGE_CASES))
@pytest.mark.parametrize("built", [True, False], ids=["built", "syntax-only"])
def test_valid_edge_cases_are_not_syntax_errors(name: str, built: bool) -> None:
    text = VALID_EDGE_CASES[name]
    assert _pyyaml_loads(text)
    options = LoadOptions() if built else LoadOptions(skip_kinds=frozenset({"ConfigMap", "Service", "Probe"}))
    assert _syntax_lines(Path("edge.yaml"), text.encode(), options) == []


@pytest.mark.parametrize("name", sorted(INVALID_EDGE_CASES))
@pytest.mark.parametrize("built", [True, False], ids=["built", "syntax-only"])
def test_invalid_edge_cases_are_syntax_errors_where_the_pure_parser_stops(name: str, built: bool) -> None:
    text, (line, column) = INVALID_EDGE_CASES[name]
    assert not _pyyaml_loads(text) and not _pure_parser_loads(text)
    options = LoadOptions() if built else LoadOptions(skip_kinds=frozenset({"ConfigMap", "Service"}))
    loaded = load_bytes("edge.yaml", text.encode(), options)
    assert [(p.span.start_line, p.span.start_col) for p in loaded.problems if p.code == "yaml-syntax"] == [
        (line, column)
    ]


def test_valid_flow_colon_is_built_with_its_values_and_spans() -> None:
    loaded = load_bytes("edge.yaml", VALID_EDGE_CASES["flow-colon-built"].encode(), LoadOptions())
    assert loaded.problems == []
    (service,) = loaded.resources
    assert service.data["metadata"]["annotations"] == {"a": "b:c"}
    assert service.data["spec"]["selector"] == {"app": ["web:1"]}
    assert service.locate(("spec", "selector", "app", 0)) == Span(8, 20, 8, 25)
    assert service.locate(("metadata", "annotations", "a")) == Span(5, 20, 5, 23)


def _built(parser: type, chunk: Chunk) -> list[tuple[str, object, object]]:
    composer = parser(chunk.text)
    documents: list[tuple[str, object, object]] = []
    try:
        while composer.check_node():
            built = TreeBuilder(chunk.first_line, 10**9).build(composer.get_node())
            documents.append((repr(built.data), built.spans, built.problems))
    finally:
        composer.dispose()
    return documents


def _fast_parser_loads(chunk: Chunk) -> bool:
    try:
        _built(_Composer, chunk)
    except Exception:
        return False
    return True


# The pure parser is slow: compare on the documents svclint builds (the kinds rules read), up to this size.
_COMPARED_CHARS = 16 * 1024


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_pure_parser_builds_what_the_fast_parser_builds(project: Path, run_options: LoadOptions) -> None:
    compared = 0
    for path, _, text in _texts(project):
        for chunk in split_documents(text):
            if chunk.kind_hint in run_options.skip_kinds or len(chunk.text) > _COMPARED_CHARS:
                continue
            if not _fast_parser_loads(chunk):
                continue
            assert _built(PureComposer, chunk) == _built(_Composer, chunk), f"{path}:{chunk.first_line + 1}"
            compared += 1
    assert compared > 0


@pytest.mark.parametrize("name", sorted(VALID_EDGE_CASES))
def test_the_pure_parser_builds_edge_cases_like_the_fast_parser(name: str) -> None:
    chunks = split_documents(VALID_EDGE_CASES[name])
    for chunk in chunks:
        if _fast_parser_loads(chunk):
            assert _built(PureComposer, chunk) == _built(_Composer, chunk)


# Tabs: skipped between tokens where libyaml skips them, refused where indentation counts.
TAB_CASES = [
    "a:\tb\n", "a: b\t\n", "a: b\t# c\n", "- a\t\n", "-\ta\n", "a:\n\t- b\n", "a: [b,\tc]\n", "a: 'x'\t\n",
    "a: |\n  x\t\n", "? a\t\n: b\n", "a: &x\tb\n", "? a\n:\tb\n", "a:\n  b: 1\n\t\n", "\ta: 1\n", "a: 1\n\t# c\n",
    "a:\t# c\n  b: 1\n",
]  # fmt: skip


@pytest.mark.parametrize("text", TAB_CASES)
def test_the_pure_parser_reads_tabs_as_libyaml_does(text: str) -> None:
    assert _pure_parser_loads(text) == _pyyaml_loads(text)


def test_a_placeholder_glued_to_text_is_a_template_at_the_placeholder_not_a_syntax_error() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\n"
        "apiVersion: policy.linkerd.io/v1alpha1\nkind: NetworkAuthentication\nmetadata:\n  name: v6\n"
        "spec:\n  networks:\n  - cidr: {IPv6}/128\n"
    )
    assert not _pyyaml_loads(text.split("---\n")[1]) and not _pure_parser_loads(text.split("---\n")[1])
    loaded = load_bytes("policy.yml", text.encode(), LoadOptions())
    assert [(p.code, p.span.start_line, p.span.start_col, p.span.end_col) for p in loaded.problems] == [
        ("template-file", 12, 11, 17)
    ]
    assert [r.kind for r in loaded.resources] == ["ConfigMap"]  # the other document is linted


@pytest.mark.parametrize(
    "text",
    [
        "kind: ConfigMap\ndata: {a: b} x\n",  # a real flow mapping followed by junk
        "kind: ConfigMap\ndata: [a:1] b\n",  # a flow sequence, not a placeholder
        "kind: ConfigMap\ndata:\n  key: {name} trailing\n",  # separated by a space: junk after a mapping
    ],
)
def test_other_junk_after_a_flow_collection_stays_a_syntax_error(text: str) -> None:
    loaded = load_bytes("edge.yaml", text.encode(), LoadOptions())
    assert [p.code for p in loaded.problems] == ["yaml-syntax"]
