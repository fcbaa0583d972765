"""The loader: documents, resources, exact spans, and every kind of bad input as a located problem."""

from __future__ import annotations

import codecs
import math
import time

import pytest

from svclint.core.model import Span
from svclint.input.parsing.loader import LoadedFile, LoadOptions, load_bytes
from svclint.k8s.kinds import BUILTIN_KINDS

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
    nodePort: 30001
"""


def load(text: str | bytes, **options: object) -> LoadedFile:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return load_bytes("m.yaml", raw, LoadOptions(**options))  # type: ignore[arg-type]


def problems(loaded: LoadedFile, code: str) -> list[tuple[int, int]]:
    return [(p.span.start_line, p.span.start_col) for p in loaded.problems if p.code == code]


class TestSpans:
    def test_scalar_value_span(self) -> None:
        doc = load(SERVICE).documents[0]
        assert doc.locate(("spec", "ports", 0, "nodePort")) == Span(8, 15, 8, 20)
        assert doc.locate(("metadata", "name")) == Span(4, 9, 4, 12)

    def test_collection_reports_its_key(self) -> None:
        doc = load(SERVICE).documents[0]
        assert doc.locate(("spec", "ports")) == Span(6, 3, 6, 8)
        assert doc.locate(("spec",)) == Span(5, 1, 5, 5)

    def test_sequence_item_mapping_reports_its_first_key(self) -> None:
        doc = load(SERVICE).documents[0]
        assert doc.locate(("spec", "ports", 0)) == Span(7, 5, 7, 9)

    def test_missing_field_reports_closest_existing_ancestor_key(self) -> None:
        doc = load(SERVICE).documents[0]
        assert doc.locate(("spec", "type")) == Span(5, 1, 5, 5)
        assert doc.locate(("spec", "ports", 0, "protocol")) == Span(7, 5, 7, 9)
        assert doc.locate(("status", "loadBalancer")) == Span(1, 1, 1, 11)

    def test_multi_document_positions_are_counted_in_the_file(self) -> None:
        text = "# leading comment\n---\n" + SERVICE + "---\n" + SERVICE
        loaded = load(text)
        assert [d.index for d in loaded.documents] == [0, 1]
        first, second = loaded.documents
        assert first.locate(("spec", "ports", 0, "nodePort")).start_line == 10
        assert second.locate(("spec", "ports", 0, "nodePort")).start_line == 19

    def test_flow_style_values(self) -> None:
        doc = load('spec: {ports: [{port: 80, nodePort: "30001"}]}\n').documents[0]
        assert doc.locate(("spec", "ports", 0, "nodePort")) == Span(1, 37, 1, 44)

    def test_columns_count_unicode_code_points(self) -> None:
        doc = load("metadata:\n  name: café😀\n  namespace: x\nkind: ü\n").documents[0]
        assert doc.locate(("metadata", "name")) == Span(2, 9, 2, 14)
        assert doc.locate(("kind",)) == Span(4, 7, 4, 8)

    def test_crlf_line_ends_give_the_same_spans(self) -> None:
        lf = load(SERVICE).documents[0]
        crlf = load(SERVICE.replace("\n", "\r\n")).documents[0]
        assert crlf.spans == lf.spans

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
    def test_bom_and_wide_encodings_give_the_same_spans(self, encoding: str) -> None:
        raw = SERVICE.encode(encoding)
        if encoding in ("utf-16-le", "utf-16-be"):
            bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
            raw = bom + raw
        loaded = load(raw)
        assert loaded.problems == []
        assert loaded.documents[0].spans == load(SERVICE).documents[0].spans

    def test_block_scalars_and_comments_keep_positions(self) -> None:
        text = "metadata:\n  annotations:\n    note: |\n      line one\n      line two\n  name: web # a comment\n"
        doc = load(text).documents[0]
        assert doc.locate(("metadata", "name")) == Span(6, 9, 6, 12)
        assert doc.data["metadata"]["annotations"]["note"] == "line one\nline two\n"


class TestValues:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("80", 80),
            ('"80"', "80"),
            ("'80'", "80"),
            ("0x1F", 31),
            ("0o17", 15),
            ("017", 15),
            ("0b101", 5),
            ("1_000", 1000),
            ("08", 8.0),
            ("1e3", 1000.0),
            ("-12", -12),
            ("+12", 12),
            ("80.5", 80.5),
            ("on", True),
            ("Yes", True),
            ("n", False),
            ("OFF", False),
            ("~", None),
            ("null", None),
            ("", None),
            ("!!str 80", "80"),
            ('!!int "80"', 80),
            ("!Ref foo", "foo"),
            ("2001-12-14", "2001-12-14"),
            ("${PORT}", "${PORT}"),
        ],
    )
    def test_scalars_resolve_like_kubectl(self, text: str, expected: object) -> None:
        value = load(f"value: {text}\n").documents[0].data["value"]
        assert value == expected and type(value) is type(expected)

    def test_infinity_and_nan(self) -> None:
        data = load("a: .inf\nb: -.Inf\nc: .nan\n").documents[0].data
        assert data["a"] == math.inf and data["b"] == -math.inf and math.isnan(data["c"])

    def test_non_string_keys_become_strings(self) -> None:
        data = load("80: a\ntrue: b\n1.5: c\n").documents[0].data
        assert data == {"80": "a", "true": "b", "1.5": "c"}

    def test_merge_keys_and_explicit_keys_win(self) -> None:
        text = "base: &base\n  port: 80\n  protocol: UDP\nport:\n  <<: *base\n  protocol: TCP\n"
        doc = load(text).documents[0]
        assert doc.data["port"] == {"protocol": "TCP", "port": 80}
        # a merged value is located where it is written: at the anchor
        assert doc.locate(("port", "port")) == Span(2, 9, 2, 11)
        assert doc.locate(("port", "protocol")) == Span(6, 13, 6, 16)

    def test_aliases_share_values(self) -> None:
        doc = load("a: &x {p: 1}\nb: *x\n").documents[0]
        assert doc.data == {"a": {"p": 1}, "b": {"p": 1}}


class TestResources:
    def test_list_is_expanded_into_items(self) -> None:
        text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n"
        text += "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n"
        loaded = load(text)
        assert [r.name for r in loaded.resources] == ["a", "b"]
        assert loaded.resources[1].prefix == ("items", 1)
        assert loaded.resources[1].locate(("metadata", "name")) == Span(11, 11, 11, 12)

    def test_typed_lists_are_expanded(self) -> None:
        text = "apiVersion: v1\nkind: ServiceList\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n"
        assert [r.kind for r in load(text).resources] == ["Service"]

    def test_empty_documents_are_skipped(self) -> None:
        loaded = load("---\n---\n# only a comment\n---\n" + SERVICE + "---\n...\n")
        assert len(loaded.documents) == 1
        assert loaded.stats.documents == 1
        assert loaded.problems == []

    def test_separator_with_comment_and_directive(self) -> None:
        text = "%YAML 1.1\n--- # first\n" + SERVICE + "--- # second\n" + SERVICE
        loaded = load(text)
        assert loaded.problems == []
        assert [d.locate(("kind",)).start_line for d in loaded.documents] == [4, 13]

    def test_inline_document_after_separator(self) -> None:
        loaded = load("--- {apiVersion: v1, kind: Service, metadata: {name: a}}\n--- {apiVersion: v1, kind: Pod}\n")
        assert [r.kind for r in loaded.resources] == ["Service", "Pod"]

    def test_default_namespace_and_names(self) -> None:
        resource = load(SERVICE).resources[0]
        assert (resource.kind, resource.namespace, resource.name) == ("Service", "default", "web")

    def test_documents_without_apiversion_and_kind_are_not_objects(self) -> None:
        loaded = load("resources:\n- service.yaml\nnamespace: prod\n")
        assert loaded.resources == [] and loaded.problems == []
        assert loaded.stats.not_kubernetes == 1

    def test_skipped_kinds_are_only_syntax_checked(self) -> None:
        text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: 1\n  a: 2\n---\n" + SERVICE
        loaded = load(text, skip_kinds=BUILTIN_KINDS - {"Service"})
        assert [r.kind for r in loaded.resources] == ["Service"]
        assert loaded.stats.syntax_only == 1 and loaded.stats.documents == 2
        broken = load("apiVersion: v1\nkind: ConfigMap\ndata: [a\n", skip_kinds=frozenset({"ConfigMap"}))
        assert problems(broken, "yaml-syntax") == [(4, 1)]


class TestBadInput:
    def test_syntax_error_line_and_later_documents_still_load(self) -> None:
        text = SERVICE + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n---\n" + SERVICE
        loaded = load(text)
        assert problems(loaded, "yaml-syntax") == [(14, 1)]
        assert len(loaded.resources) == 2

    def test_error_at_the_end_of_a_file_without_a_final_line_break(self) -> None:
        assert problems(load("a: b\nc"), "yaml-syntax") == [(2, 2)]
        assert problems(load("a: b\nc\n"), "yaml-syntax") == [(3, 1)]

    def test_tab_indentation(self) -> None:
        loaded = load("apiVersion: v1\nkind: Service\nspec:\n\tports: []\n")
        assert problems(loaded, "yaml-syntax") == [(4, 1)]
        assert "tabs" in loaded.problems[0].message

    def test_duplicate_key_is_reported_at_the_second_key(self) -> None:
        loaded = load("apiVersion: v1\nkind: Service\nspec:\n  type: NodePort\n  ports: []\n  type: ClusterIP\n")
        assert problems(loaded, "duplicate-key") == [(6, 3)]
        assert loaded.problems[0].related[0][0].start_line == 4
        assert loaded.documents[0].data["spec"]["type"] == "ClusterIP"

    @pytest.mark.parametrize(("text", "line"), [("- a\n- b\n", 10), ("---\njust a string\n", 11), ("42\n", 10)])
    def test_document_that_is_not_a_mapping_in_a_manifest(self, text: str, line: int) -> None:
        manifest = SERVICE + "---\n" + text
        assert [pos[0] for pos in problems(load(manifest), "invalid-structure")] == [line]

    def test_list_item_that_is_not_a_mapping(self) -> None:
        loaded = load("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n- nope\n")
        assert problems(loaded, "invalid-structure") == [(6, 3)]

    def test_complex_key(self) -> None:
        assert problems(load("? [a, b]\n: c\n"), "invalid-structure") == [(1, 3)]

    def test_missing_kind(self) -> None:
        assert problems(load("apiVersion: v1\nmetadata:\n  name: x\n"), "missing-type-info") == [(1, 1)]
        assert problems(load("apiVersion: v1\nkind: [Service]\n"), "missing-type-info") == [(2, 1)]

    def test_not_utf8(self) -> None:
        loaded = load(b"apiVersion: v1\nkind: Service\nmetadata:\n  name: caf\xe9\n")
        assert problems(loaded, "unreadable-file") == [(4, 12)]
        assert "UTF-8" in loaded.problems[0].message and loaded.stats.skipped_file

    def test_binary_file(self) -> None:
        loaded = load(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
        assert problems(loaded, "unreadable-file") == [(1, 1)]
        assert "binary" in loaded.problems[0].message

    def test_control_character(self) -> None:
        assert problems(load("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\x07b\n"), "yaml-syntax") == [(4, 10)]

    def test_helm_template_is_one_note_at_the_first_braces(self) -> None:
        text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  type: {{ .x }}\n"
        loaded = load(text)
        assert [(p.code, p.span.start_line, p.span.start_col) for p in loaded.problems] == [("template-file", 4, 9)]
        assert loaded.resources == [] and loaded.stats.skipped_file

    def test_braces_inside_valid_yaml_are_linted(self) -> None:
        loaded = load('apiVersion: v1\nkind: ConfigMap\ndata:\n  alert: "{{ $labels.instance }} is down"\n')
        assert loaded.problems == [] and len(loaded.resources) == 1

    def test_file_in_chart_templates_folder_is_a_template(self) -> None:
        loaded = load(SERVICE.replace("name: web", "name: '{{ .Release.Name }}'"), helm_template=True)
        assert [p.code for p in loaded.problems] == ["template-file"]

    def test_file_over_the_size_limit(self) -> None:
        loaded = load(SERVICE * 10, max_file_bytes=100)
        assert problems(loaded, "resource-limit") == [(1, 1)]

    def test_alias_bomb_is_refused_quickly(self) -> None:
        lines = ["apiVersion: v1", "kind: Service", "metadata:", "  name: lol", "spec:", '  a: &a ["lol","lol"]']
        for level, name in enumerate("bcdefghijklmnopqrstu"):
            previous = "abcdefghijklmnopqrstu"[level]
            lines.append(f"  {name}: &{name} [" + ",".join([f"*{previous}"] * 10) + "]")
        started = time.monotonic()
        loaded = load("\n".join(lines) + "\n")
        assert time.monotonic() - started < 5
        assert problems(loaded, "resource-limit") == [(1, 1)]
        assert "billion laughs" in loaded.problems[0].message

    @pytest.mark.parametrize("style", ["flow", "block"])
    def test_deep_nesting_is_refused(self, style: str) -> None:
        if style == "flow":
            depth = 10_000
            text = "apiVersion: v1\nkind: Service\nspec: " + "[" * depth + "]" * depth + "\n"
        else:  # 2,500 levels of block mappings, one more space each: the file stays under the size limit
            text = "apiVersion: v1\nkind: Service\nspec:\n" + "".join(" " * i + "a:\n" for i in range(1, 2500))
        started = time.monotonic()
        loaded = load(text)
        assert time.monotonic() - started < 5
        assert [p.code for p in loaded.problems] == ["resource-limit"]
        assert loaded.problems[0].span.start_line == (3 if style == "flow" else 2003)
