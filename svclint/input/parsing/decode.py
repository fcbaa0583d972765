"""Bytes to text: the encodings YAML allows, and a clear verdict on everything else."""

from __future__ import annotations

import codecs

from msgspec import Struct

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SNIFF = 8192


class Decoded(Struct, frozen=True):
    text: str
    encoding: str


class Undecodable(Struct, frozen=True):
    """Why the bytes are not YAML text, and where (1-based) the first bad byte is, when that is known."""

    reason: str
    line: int = 1
    col: int = 1


def decode(raw: bytes) -> Decoded | Undecodable:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _decode_with(raw[len(bom) :], encoding)
    if b"\x00" in raw[:_SNIFF]:
        # YAML streams without a BOM are UTF-8 unless they start with a NUL pattern (UTF-16/32).
        sniffed = _sniff_wide(raw)
        if sniffed is None:
            return Undecodable("binary file (contains NUL bytes): not a YAML manifest")
        return _decode_with(raw, sniffed)
    return _decode_with(raw, "utf-8")


def _sniff_wide(raw: bytes) -> str | None:
    """YAML 1.2 §5.2: the first bytes tell UTF-16/32 without a BOM ('a' is 61 00 or 00 61)."""
    head = raw[:4]
    if len(head) == 4 and head[:3] == b"\x00\x00\x00" and head[3]:
        return "utf-32-be"
    if len(head) == 4 and head[0] and head[1:] == b"\x00\x00\x00":
        return "utf-32-le"
    if len(head) >= 2 and head[0] == 0 and head[1]:
        return "utf-16-be"
    if len(head) >= 2 and head[0] and head[1] == 0:
        return "utf-16-le"
    return None


def _decode_with(raw: bytes, encoding: str) -> Decoded | Undecodable:
    try:
        return Decoded(raw.decode(encoding), encoding)
    except UnicodeDecodeError as err:
        good = raw[: err.start].decode(encoding, errors="replace")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        bad = raw[err.start : err.start + 1].hex()
        label = "UTF-8" if encoding == "utf-8" else encoding.upper()
        if encoding == "utf-8" and _looks_binary(raw):
            return Undecodable("binary file (not text): not a YAML manifest", line, col)
        return Undecodable(f"not valid {label}: byte 0x{bad} cannot be decoded ({err.reason})", line, col)


def _looks_binary(raw: bytes) -> bool:
    """Most bytes outside printable ASCII and common whitespace: an image, an archive, a binary."""
    sample = raw[:_SNIFF]
    if not sample:
        return False
    text_like = sum(1 for b in sample if 32 <= b < 127 or b in (9, 10, 13))
    return text_like / len(sample) < 0.7
