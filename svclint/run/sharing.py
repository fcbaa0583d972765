"""One copy of each value the objects kept for the cross-resource checks hold.

Manifests repeat themselves: a Deployment's selector equals its pod template's labels, a Service's selector
equals both, `{containerPort: 8080, protocol: TCP}` appears in every copy of a chart, and repositories vendor
the same manifests several times. The kept objects are read-only from the end of their file's reading to the
end of the run (kustomize builds work on copies of them), so equal mappings, lists and strings can be one
object. Within one copy of the test corpus that saves about 30% of the kept data; across vendored copies,
nearly all of it.

Values are equal here only when they are of the same type: `80`, `80.0`, `"80"` and `true`/`1` stay apart, as
the checks tell them apart.
"""

from __future__ import annotations

from collections.abc import Hashable
from sys import intern
from typing import Any

# Strings up to this length are interned, as the loader interns them; longer ones are shared through the table.
_INTERNED_LENGTH = 64
_TRUE: Hashable = (bool, True)
_FALSE: Hashable = (bool, False)


class SharedValues:
    """The first copy of each value seen; `share` hands it out for every later equal value. The table costs
    about half the data it describes: hold it only while files are being read."""

    __slots__ = ("_containers", "_strings")

    def __init__(self) -> None:
        self._containers: dict[Hashable, Any] = {}
        self._strings: dict[str, str] = {}

    def share(self, value: Any) -> Any:
        """`value`, or an equal value seen before. Containers are updated in place to hold shared values."""
        return self._share(value)[0]

    def _share(self, value: Any) -> tuple[Any, Hashable]:
        """The shared value and its key: equal keys mean equal values of the same types."""
        cls = value.__class__
        if cls is str:
            shared = intern(value) if len(value) <= _INTERNED_LENGTH else self._strings.setdefault(value, value)
            return shared, shared
        if cls is dict:
            return self._mapping(value)
        if cls is list:
            return self._list(value)
        if cls is int or value is None:
            return value, value
        if cls is bool:
            return value, _TRUE if value else _FALSE
        try:
            return value, (cls, value)  # floats, dates
        except TypeError:  # pragma: no cover - YAML yields no other unhashable values
            return value, (object(),)

    def _mapping(self, value: dict[Any, Any]) -> tuple[Any, Hashable]:
        parts: list[Hashable] = ["{"]
        renamed = False
        for key, item in value.items():
            shared_item, item_key = self._share(item)
            if shared_item is not item:
                value[key] = shared_item  # an existing key: the mapping keeps its size and order
            shared_key = intern(key) if key.__class__ is str else key
            renamed = renamed or shared_key is not key
            parts.append(shared_key)
            parts.append(item_key)
        if renamed:  # keys that crossed from another process are copies of the interned ones
            value = {intern(k) if k.__class__ is str else k: v for k, v in value.items()}
        return self._first(value, tuple(parts))

    def _list(self, value: list[Any]) -> tuple[Any, Hashable]:
        parts: list[Hashable] = ["["]
        for index, item in enumerate(value):
            shared_item, item_key = self._share(item)
            if shared_item is not item:
                value[index] = shared_item
            parts.append(item_key)
        return self._first(value, tuple(parts))

    def _first(self, value: Any, key: tuple[Hashable, ...]) -> tuple[Any, Hashable]:
        try:
            return self._containers.setdefault(key, value), key
        except TypeError:  # an unhashable key inside (never from YAML): keep this value to itself
            return value, (object(),)
