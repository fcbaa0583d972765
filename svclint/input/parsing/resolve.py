"""How a plain YAML scalar becomes a value, the way kubectl reads it.

kubectl and the API server turn YAML into JSON with sigs.k8s.io/yaml, which uses a fork of go-yaml v2.
go-yaml v2 resolves plain (unquoted) scalars with YAML 1.1 rules, so `on`, `yes` and `y` are booleans,
`0x1F` and `0o17` are integers, `08` (not valid octal) is the float 8 and `1e3` is the float 1000.
Quoted and block scalars are always strings. Timestamps stay strings here: a manifest field that
takes a timestamp is outside what svclint checks.
"""

from __future__ import annotations

import math
import re
from typing import Any

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
_FALSE = frozenset({"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
_SPECIAL_FLOATS = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
    "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}  # fmt: skip
# Go's strconv.ParseInt(s, 0, 64) after go-yaml removed every "_".
_INT = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
# go-yaml v2's yamlStyleFloat.
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# Characters a number can start with; anything else is a string at once (the common case).
_NUMERIC_START = frozenset("0123456789+-.")

_KNOWN_SCALAR_TAGS = {
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
}


def resolve_plain(text: str) -> Any:
    """Resolve an unquoted scalar."""
    if not text:
        return None
    first = text[0]
    if first in _NUMERIC_START:
        number = _resolve_number(text)
        if number is not None:
            return number
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in _NULLS:
        return None
    return text


def _resolve_number(text: str) -> int | float | None:
    special = _SPECIAL_FLOATS.get(text)
    if special is not None:
        return special
    plain = text.replace("_", "") if "_" in text else text
    if _INT.fullmatch(plain):
        return _parse_go_int(plain)
    if _FLOAT.fullmatch(plain):
        return float(plain)
    return None


def _parse_go_int(plain: str) -> int:
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-")
    lowered = digits[:2].lower()
    if lowered == "0x":
        value = int(digits[2:], 16)
    elif lowered == "0o":
        value = int(digits[2:], 8)
    elif lowered == "0b":
        value = int(digits[2:], 2)
    elif len(digits) > 1 and digits[0] == "0":
        value = int(digits[1:], 8)
    else:
        value = int(digits)
    return sign * value


def resolve_tagged(tag: str, text: str) -> Any:
    """Resolve a scalar with an explicit tag (`!!str 80`, `!!int "80"`). Unknown tags keep the text."""
    wanted = _KNOWN_SCALAR_TAGS.get(tag)
    if wanted is None:
        return text
    value = resolve_plain(text)
    if wanted == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if wanted == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if wanted == "bool" and isinstance(value, bool):
        return value
    if wanted == "null" and value is None:
        return None
    return text


def key_to_string(value: Any) -> str:
    """JSON object keys are strings: sigs.k8s.io/yaml formats non-string keys like this."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)
