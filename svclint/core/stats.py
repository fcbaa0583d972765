"""What a run counted: the numbers of the summary line, per file and for the whole run."""

from __future__ import annotations

from msgspec import Struct, field


class FileStats(Struct):
    """What one file held."""

    documents: int = 0  # non-empty YAML documents
    built: int = 0  # documents turned into data
    syntax_only: int = 0  # documents of kinds no rule reads: syntax-checked only
    not_kubernetes: int = 0  # documents that are not Kubernetes objects (values files, lists, scalars, patches)
    skipped_file: bool = False  # the whole file was not linted (template, binary, too large)
    not_kubernetes_file: bool = False  # no document of the file is a Kubernetes object: not a manifest


class RunStats(Struct):
    """What the reported files held: the counts of the summary line."""

    files: int = 0
    documents: int = 0
    built: int = 0
    syntax_only: int = 0
    not_kubernetes: int = 0
    skipped_files: int = 0
    not_kubernetes_files: int = 0

    def add(self, stats: FileStats) -> None:
        self.files += 1
        self.documents += stats.documents
        self.built += stats.built
        self.syntax_only += stats.syntax_only
        if stats.not_kubernetes_file:
            self.not_kubernetes_files += 1  # the file is counted, not each of its documents
        else:
            self.not_kubernetes += stats.not_kubernetes
        self.skipped_files += int(stats.skipped_file)


class SuppressionStats(Struct):
    suppressed: int = 0
    without_reason: int = 0
    baseline: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
