"""The wheel carries the rules: an installed svclint finds them from any directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel offline (no build isolation) and install it alone into a fresh virtual environment."""
    if shutil.which("git") is None:  # pragma: no cover
        pytest.skip("git is needed to copy the source tree")
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", "*.egg-info", "__pycache__", ".*cache*"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(work), str(source)],
        check=True,
    )
    (wheel,) = work.glob("svclint-*.whl")
    shutil.copy(wheel, work / "built.whl")
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
    )
    # The dependencies come from this test environment (offline): its site-packages go after the venv's own
    # (added after the install, so that pip does not see the svclint of this environment as installed).
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parent = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site_packages) / "test-deps.pth").write_text("\n".join(sorted(parent)) + "\n")
    return env_dir


def test_installed_svclint_lints_examples_from_elsewhere(installed: Path, tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    proc = subprocess.run(
        [str(installed / "bin" / "svclint"), "lint", "examples/"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SVC308" in proc.stdout  # the built-in rules were found: the NodePort advice note


def test_installed_rules_come_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    code = "from svclint.engine.ruleset import builtin_rules_dir; print(builtin_rules_dir())"
    proc = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    rules_dir = Path(proc.stdout.strip())
    assert rules_dir.name == "builtin_rules" and str(installed) in str(rules_dir)
    shipped = sorted(p.name for p in rules_dir.glob("*.yaml"))
    assert shipped == sorted(p.name for p in (REPO / "rules").glob("*.yaml"))
    tables = sorted(p.name for p in (rules_dir / "tables").glob("*.yaml"))
    assert tables and tables == sorted(p.name for p in (REPO / "rules" / "tables").glob("*.yaml"))
    listed = subprocess.run(
        [str(installed / "bin" / "svclint"), "rules", "--all"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert len(listed.stdout.splitlines()) == len(shipped)


def test_installed_svclint_renders_the_exposure_report_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    """The HTML templates and the JSON Schema are package data: the installed report finds and uses them."""
    (tmp_path / "kubia.yaml").write_bytes((REPO / "examples" / "kubia.yaml").read_bytes())
    svclint = str(installed / "bin" / "svclint")
    page = subprocess.run(
        [svclint, "exposure", "-f", "html", "kubia.yaml"], cwd=tmp_path, capture_output=True, text=True
    )
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith("<!DOCTYPE html>") and "kubia-nodeport" in page.stdout
    code = "from svclint.exposure.render_json import SCHEMA_PATH, schema; print(SCHEMA_PATH, schema()['title'])"
    proc = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert str(installed) in proc.stdout and proc.stdout.strip().endswith("svclint exposure report")


def test_installed_svclint_reads_its_rules_from_the_bundle(installed: Path, tmp_path: Path) -> None:
    code = (
        "from svclint.engine.bundle import bundled_rules\n"
        "from svclint.engine.ruleset import builtin_rules_dir\n"
        "from svclint.run.rules import check_functions\n"
        "functions = check_functions()\n"
        "rules = bundled_rules(builtin_rules_dir(), functions)\n"
        "print(len(rules) if rules is not None else 'no bundle', type(functions).__name__)\n"
    )
    proc = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert proc.stdout.split() == [str(len(list((REPO / "rules").glob("*.yaml")))), "FunctionCatalog"]


def test_wheel_carries_license_and_metadata(installed: Path) -> None:
    import zipfile

    with zipfile.ZipFile(installed.parent / "built.whl") as wheel:
        names = wheel.namelist()
        (metadata_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = wheel.read(metadata_name).decode()
        (license_name,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert wheel.read(license_name) == (REPO / "LICENSE").read_bytes()
    assert "License-Expression: Apache-2.0" in metadata
    assert "License-File: LICENSE" in metadata
    assert "Classifier: Development Status :: 4 - Beta" in metadata
    assert "Project-URL: Issues, https://github.com/svclint/svclint/issues" in metadata
    assert (
        "Requires-Dist: ruamel-yaml-clib<0.3,>=0.2.8" in metadata
        or "Requires-Dist: ruamel.yaml.clib<0.3,>=0.2.8" in metadata
    )
