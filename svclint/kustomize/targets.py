"""Which objects of a build a patch or a `replicas` entry applies to: a patch's `target` (group, version, kind,
name and namespace as anchored regular expressions, label and annotation selectors), or, for a strategic merge
patch without one, the kind, name and namespace the patch itself gives."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import re2

from svclint.input.document import label_text
from svclint.kustomize.objects import BuiltObject

_TERM = re.compile(r"\s*([^,\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)\s*|\s*([^,]+?)\s*(?:,|$)")


def target_selects(target: Mapping[str, Any], built: BuiltObject) -> bool:
    return _identity_selects(target, built) and _metadata_selects(target, built)


def _identity_selects(target: Mapping[str, Any], built: BuiltObject) -> bool:
    """The target's kind, group and version (equal when given), name and namespace (regular expressions)."""
    for field, value in (("kind", built.kind), ("group", built.group), ("version", _version(built))):
        wanted = target.get(field)
        if isinstance(wanted, str) and wanted and wanted != value:
            return False
    name = target.get("name")
    if isinstance(name, str) and name and not any(_matches(name, known) for known in built.names):
        return False
    namespace = target.get("namespace")
    return not (isinstance(namespace, str) and namespace and not _matches(namespace, built.namespace))


def _metadata_selects(target: Mapping[str, Any], built: BuiltObject) -> bool:
    """The target's label and annotation selectors."""
    for field, key in (("labelSelector", "labels"), ("annotationSelector", "annotations")):
        selector = target.get(field)
        if isinstance(selector, str) and selector:
            values = built.metadata.get(key)
            if not selector_matches(selector, values if isinstance(values, dict) else {}):
                return False
    return True


def identity_selects(patch: Mapping[str, Any], built: BuiltObject) -> bool:
    """A strategic merge patch without a target applies to the object of its kind, name (any the object had)
    and, when it gives one, namespace."""
    metadata = patch.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    if patch.get("kind") != built.kind or metadata.get("name") not in built.names:
        return False
    version = patch.get("apiVersion")
    if isinstance(version, str) and version.rpartition("/")[0] != built.group:
        return False
    namespace = metadata.get("namespace")
    return not isinstance(namespace, str) or not namespace or namespace == built.namespace


def _version(built: BuiltObject) -> str:
    return built.api_version.rpartition("/")[2]


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False
    return options


_OPTIONS = _options()


def _matches(pattern: str, value: str) -> bool:
    """kustomize matches target names and namespaces as whole-string regular expressions, in Go's dialect: RE2
    runs them in time linear in the name, whatever a repository writes."""
    try:
        return re2.compile(f"(?:{pattern})", _OPTIONS).fullmatch(value) is not None
    except re2.error:
        return pattern == value


def selector_matches(selector: str, labels: Mapping[str, Any]) -> bool:
    """A label selector in its string form (`app=web,tier!=db,env in (a,b),!legacy,track`)."""
    texts = {str(k): label_text(v) for k, v in labels.items()}
    for match in _TERM.finditer(selector):
        if match.group(1):
            key, operator, values = match.group(1), match.group(2), {v.strip() for v in match.group(3).split(",")}
            if (operator == "in") != (texts.get(key) in values):
                return False
            continue
        term = (match.group(4) or "").strip()
        if not term:
            continue
        if not _term_holds(term, texts):
            return False
    return True


def _term_holds(term: str, labels: Mapping[str, str]) -> bool:
    if "!=" in term:
        key, _, value = term.partition("!=")
        return labels.get(key.strip()) != value.strip()
    if "=" in term:
        key, _, value = term.replace("==", "=").partition("=")
        return labels.get(key.strip()) == value.strip()
    if term.startswith("!"):
        return term[1:].strip() not in labels
    return term in labels
