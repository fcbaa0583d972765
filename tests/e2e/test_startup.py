"""The one-file run (what pre-commit starts for each commit) imports only what linting one file needs: what a
run does not use (rule validation, kustomize builds, other commands, process pools, hashing) loads only when
a run uses it. Timings are measured by bench/run.py; this guards which modules load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

_IMPORTED = """
import json, sys
from svclint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

NOT_ON_THE_ONE_FILE_PATH = [
    "jsonschema",  # rule files are validated when the bundle is written, not when it is read
    "referencing",
    "jsonpath_ng",
    "multiprocessing",
    "concurrent.futures",
    "hashlib",  # content hashes: the validation cache and baselines
    "unicodedata",  # terminal widths of non-ASCII source lines, shown only on a terminal
    "svclint.commands.rules",
    "svclint.commands.exposure",
    "svclint.exposure",
    "svclint.fix",
    "svclint.lsp",
    "svclint.kustomize.build",
    "svclint.kustomize.stage",
    "svclint.core.cache",
    "svclint.filters.baseline",
    "svclint.firewall.model",
    "svclint.reporters.sarif",
    # Check functions load when a rule naming them is first evaluated: no rule naming these reaches kubia.yaml's
    # objects (its load balancer has source ranges and no annotations; no route, EndpointSlice or StatefulSet).
    "svclint.functions.cloud",
    "svclint.functions.endpoints",
    "svclint.functions.firewall",
    "svclint.functions.gateway",
    "svclint.functions.statefulsets",
]

ROUTE_TO_A_MISSING_SERVICE = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: store
spec:
  rules:
  - backendRefs:
    - name: store-v3
      port: 9000
---
apiVersion: v1
kind: Service
metadata:
  name: store
spec:
  selector:
    app: store
  ports:
  - port: 9000
"""


def _modules(tmp_path: Path, *args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    return set(json.loads(done.stderr.splitlines()[-1]))


@pytest.fixture
def service(tmp_path: Path) -> Path:
    (tmp_path / "kubia.yaml").write_bytes((REPO / "examples" / "kubia.yaml").read_bytes())
    return tmp_path


def test_linting_one_file_imports_only_what_it_uses(service: Path) -> None:
    modules = _modules(service, "lint", "kubia.yaml")
    assert "svclint.run.pipeline" in modules and "svclint.reporters.text" in modules  # it did lint
    loaded = [name for name in NOT_ON_THE_ONE_FILE_PATH if name in modules]
    assert not loaded, f"imported on the one-file path: {loaded}"


def test_what_is_left_out_still_loads_when_a_run_uses_it(service: Path) -> None:
    (service / "kustomization.yaml").write_text("resources: [kubia.yaml]\n")
    modules = _modules(service, "lint", "-f", "sarif", "kubia.yaml", "kustomization.yaml")
    assert {"svclint.kustomize.build", "svclint.reporters.sarif"} <= modules
    assert "svclint.commands.rules" in _modules(service, "rules")


def test_a_check_function_loads_when_a_rule_naming_it_meets_its_objects(tmp_path: Path) -> None:
    (tmp_path / "route.yaml").write_text(ROUTE_TO_A_MISSING_SERVICE)
    done = subprocess.run(
        [sys.executable, "-m", "svclint", "lint", "route.yaml"], cwd=tmp_path, capture_output=True, text=True
    )
    assert "route.yaml:8:13: warning SVC220 backendRef Service store-v3 does not exist" in done.stdout
    assert "svclint.functions.gateway" in _modules(tmp_path, "lint", "route.yaml")


def test_the_reporters_load_without_the_stages_that_make_results() -> None:
    code = (
        "import sys\n"
        "import svclint.reporters, svclint.reporters.text, svclint.reporters.sarif, svclint.reporters.json\n"
        "print(sorted(name for name in sys.modules if name.startswith(('svclint.engine', 'svclint.inventory',"
        " 'svclint.functions', 'svclint.run'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"


def test_records_are_structs_not_dataclasses() -> None:
    """A dataclass runs generated code for each method when its module loads (~0.7 ms a class, ~86 classes on the
    one-file path); a msgspec Struct is made in microseconds. So no svclint module defines a dataclass."""
    code = (
        "import dataclasses, importlib, inspect, pkgutil, svclint\n"
        "found = []\n"
        "for info in pkgutil.walk_packages(svclint.__path__, 'svclint.'):\n"
        "    if info.name.endswith('__main__'):\n"
        "        continue\n"
        "    module = importlib.import_module(info.name)\n"
        "    found += [f'{info.name}.{name}' for name, value in vars(module).items()\n"
        "              if inspect.isclass(value) and value.__module__ == info.name\n"
        "              and dataclasses.is_dataclass(value)]\n"
        "print(len(list(pkgutil.walk_packages(svclint.__path__, 'svclint.'))), sorted(found))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    modules, found = done.stdout.split(" ", 1)
    assert int(modules) > 150 and found.strip() == "[]"


_COLLECTION_AFTER = """
import gc, sys
from svclint.cli import main
entry = sys.argv[1] == "entry"
sys.argv = ["svclint", *sys.argv[2:]]
try:
    main() if entry else main(sys.argv[1:])
except SystemExit:
    pass
print(gc.isenabled(), gc.get_freeze_count() > 0)
"""


@pytest.mark.parametrize(
    ("how", "args", "expected"),
    [
        ("entry", ["lint", "kubia.yaml"], "True True"),  # paused while starting, then on with start-up frozen
        ("entry", ["rules"], "True True"),  # other commands resume at once (the language server runs for hours)
        ("entry", ["lint", "--config", "missing.yaml", "kubia.yaml"], "True True"),  # stopped before it ended
        ("caller", ["lint", "kubia.yaml"], "True False"),  # a program calling main keeps its collector as it is
    ],
)
def test_collection_pauses_only_while_the_process_starts(
    service: Path, how: str, args: list[str], expected: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _COLLECTION_AFTER, how, *args], cwd=service, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.splitlines()[-1] == expected, done.stderr
