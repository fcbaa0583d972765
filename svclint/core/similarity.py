"""How close two names are: for "did you mean" hints on typos."""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions and substitutions each cost 1)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def near(a: str, b: str) -> bool:
    """A typo's distance: at most one edit per four characters (and always one)."""
    return edit_distance(a, b) <= max(1, min(len(a), len(b)) // 4)
