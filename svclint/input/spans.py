"""How the YAML walk records positions: one compact entry per key or item of a document.

Documents read these entries and the parser writes them; keeping them here lets the document model stay below
the parser (the parser builds documents, documents never need the parser).
"""

from __future__ import annotations

SCALAR, MAPPING, SEQUENCE = 0, 1, 2

# One entry per key or item: key span (0s when there is no key), value span, node shape.
SpanEntry = tuple[int, int, int, int, int, int, int, int, int]
