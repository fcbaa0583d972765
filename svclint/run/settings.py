"""What one run reads and checks, and how: the command line and configuration, resolved (see options.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from msgspec import Struct, field

from svclint.core.errors import SvclintError
from svclint.core.model import Severity
from svclint.engine.params import DEFAULT_NODE_PORT_RANGE
from svclint.firewall.settings import FirewallSettings
from svclint.k8s.versions import NEWEST, KubeVersion


class ConfigError(SvclintError):
    """A setting that makes no sense (an unknown rule, a bad range): exit 2."""


class LintSettings(Struct):
    """What one run reads and checks, and how: the command line and configuration, resolved."""

    paths: Sequence[str]
    context: Sequence[str] = ()
    stdin_filename: str | None = None
    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE
    kube_version: KubeVersion = NEWEST  # the cluster's Kubernetes version (MAJOR, MINOR): --kube-version
    rule_dirs: Sequence[Path] = ()
    enable: Sequence[str] = ()
    disable: Sequence[str] = ()
    severities: dict[str, Severity] = field(default_factory=dict)
    max_file_bytes: int = 32 * 1024 * 1024
    excludes: Sequence[str] = ()
    force_exclude: bool = True  # excludes apply to files named on the command line too
    respect_gitignore: bool = True
    use_cache: bool = True
    require_firewall: bool = False
    firewall_files: Sequence[str] = ()
    firewall: FirewallSettings = field(default_factory=FirewallSettings)
    baseline: Path | None = None
    jobs: int = 0  # processes reading files; 0: one per CPU
    switches: Sequence[tuple[str, bool]] = ()  # (rule, on) from the command line, applied after enable/disable
    allow_outside_project: bool = False  # walks follow file links that lead out of the project
    kustomize_mode: str = "build"  # "build": check the builds of the run's kustomizations; "off": each file alone
    # Kinds a report reads besides the rules (the exposure report): never skipped, kept whole, and the run's
    # inventories (with their firewall model) handed back in the result.
    report_kinds: frozenset[str] = frozenset()
    clusters: Mapping[str, Sequence[str]] = field(default_factory=dict)  # cluster -> folders checked together
