"""A place in the run's objects that explains a finding: the other Service, the pod template, the firewall rule."""

from __future__ import annotations

from msgspec import Struct

from svclint.core.model import FieldPath
from svclint.input.document import Resource


class Related(Struct, frozen=True):
    """Another place that explains a finding: the other Service, the pod template, the firewall rule."""

    resource: Resource
    path: FieldPath
    message: str
