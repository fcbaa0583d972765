"""Hostnames as the Gateway API matches them between a listener and a route: a leading `*.` label is a suffix
match over one or more labels (`*.example.com` matches `foo.example.com` and `foo.bar.example.com`, never
`example.com`), and two hostnames intersect when some request hostname matches both."""

from __future__ import annotations

import re

# Gateway API's Hostname type (and PreciseHostname without the wildcard): an optional `*.` and then DNS labels.
_HOSTNAME = re.compile(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def is_hostname(value: str) -> bool:
    """Whether the value is a hostname the API accepts (a template placeholder or an IP address is not)."""
    return bool(_HOSTNAME.match(value.lower())) and not value.replace(".", "").isdigit()


def intersects(first: str, second: str) -> bool:
    """Whether some request hostname matches both (the spec's examples: listener `*.example.com` takes routes for
    `test.example.com` and `*.foo.example.com`; listener `very.specific.com` takes a route for `*.specific.com`)."""
    first, second = first.lower(), second.lower()
    first_wild, second_wild = first.startswith("*."), second.startswith("*.")
    if not first_wild and not second_wild:
        return first == second
    if first_wild and second_wild:
        a, b = first[1:], second[1:]  # ".example.com"
        return a.endswith(b) or b.endswith(a)
    wildcard, exact = (first, second) if first_wild else (second, first)
    return exact.endswith(wildcard[1:])
