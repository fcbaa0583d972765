"""A repository is untrusted input: its links, special files, file names and configuration must not make
svclint write elsewhere, read without bound, hang, or lose a baseline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NODE_PORT_OUT_OF_RANGE
from svclint.cli import cli

SERVICE = NODE_PORT_OUT_OF_RANGE
OTHER = SERVICE.replace("name: web", "name: api").replace("29999", "29998")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", "--disable", "SVC308", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_cli(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """svclint in its own process: for inputs that would hang or exhaust memory in the test process."""
    command = [sys.executable, "-m", "svclint", "lint", *args]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, errors="surrogateescape", timeout=timeout, check=False
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    (root / "svc.yaml").write_text(SERVICE)
    monkeypatch.chdir(root)
    return root


# --- Writing ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--output", "--write-baseline"])
def test_a_committed_symlink_is_not_written_through(project: Path, option: str) -> None:
    victim = project.parent / "bashrc"
    victim.write_text("alias ls='ls --color'\n")
    (project / "report.txt").symlink_to(victim)
    code, _, err = invoke(option, "report.txt", "svc.yaml")
    assert code == 2
    assert "report.txt: is a symbolic link" in err
    assert victim.read_text() == "alias ls='ls --color'\n"
    assert (project / "report.txt").is_symlink()


def test_a_fifo_as_output_is_refused_before_the_run(project: Path) -> None:
    os.mkfifo(project / "report.sarif")
    done = run_cli(project, "-f", "sarif", "-o", "report.sarif", "svc.yaml", timeout=60)
    assert done.returncode == 2
    assert "report.sarif: is not a regular file" in done.stderr


def test_a_failed_write_keeps_the_previous_report_and_no_temporary_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "report.json").write_text('{"previous": true}\n')

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    code, _, err = invoke("-f", "json", "-o", "report.json", "svc.yaml")
    assert code == 2 and "No space left on device" in err
    assert (project / "report.json").read_text() == '{"previous": true}\n'
    assert sorted(p.name for p in project.iterdir()) == [".git", "report.json", "svc.yaml"]


def test_a_new_report_gets_the_usual_permissions_and_an_old_one_keeps_its_own(project: Path) -> None:
    invoke("-o", "new.txt", "svc.yaml")
    umask = os.umask(0)
    os.umask(umask)
    assert (project / "new.txt").stat().st_mode & 0o777 == 0o666 & ~umask
    (project / "kept.txt").write_text("")
    (project / "kept.txt").chmod(0o600)
    invoke("-o", "kept.txt", "svc.yaml")
    assert (project / "kept.txt").stat().st_mode & 0o777 == 0o600
    assert "SVC101" in (project / "kept.txt").read_text()


# --- Baselines ----------------------------------------------------------------------------------------------


def test_refreshing_a_baseline_in_place_keeps_what_is_still_present(project: Path) -> None:
    (project / "api.yaml").write_text(OTHER)
    assert invoke("--write-baseline", "b.json", "svc.yaml", "api.yaml")[0] == 0
    (project / "api.yaml").write_text(OTHER.replace("29998", "30080"))  # one finding fixed
    code, _, err = invoke("--baseline", "b.json", "--write-baseline", "b.json", "svc.yaml", "api.yaml")
    assert code == 0
    entries = json.loads((project / "b.json").read_text())["findings"]
    assert [(e["path"], e["rule"]) for e in entries] == [("svc.yaml", "SVC101")]
    assert "dropped 1 entries no longer found:" in err
    assert "api.yaml:11: SVC101" in err
    assert invoke("--baseline", "b.json", "svc.yaml", "api.yaml")[0] == 0


def test_writing_a_baseline_over_another_file_needs_force(project: Path) -> None:
    (project / "notes.json").write_text('{"mine": 1}\n')
    code, _, err = invoke("--write-baseline", "notes.json", "svc.yaml")
    assert code == 2
    assert "notes.json: exists and is not an svclint baseline; pass --force to overwrite it" in err
    assert (project / "notes.json").read_text() == '{"mine": 1}\n'
    assert invoke("--write-baseline", "notes.json", "--force", "svc.yaml")[0] == 0
    assert json.loads((project / "notes.json").read_text())["findings"][0]["rule"] == "SVC101"


def test_baseline_fingerprints_do_not_depend_on_the_working_directory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "k8s").mkdir()
    (project / "svc.yaml").rename(project / "k8s" / "svc.yaml")
    assert invoke("--write-baseline", "b.json", "k8s/svc.yaml")[0] == 0
    monkeypatch.chdir(project / "k8s")
    assert invoke("--baseline", "../b.json", "svc.yaml")[0] == 0
    sarif = json.loads(invoke("-f", "sarif", "svc.yaml")[1])
    monkeypatch.chdir(project)
    again = json.loads(invoke("-f", "sarif", "k8s/svc.yaml")[1])
    prints = [r["partialFingerprints"] for r in sarif["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"] for r in again["runs"][0]["results"]]


# --- Configuration search -----------------------------------------------------------------------------------


def test_the_configuration_search_stops_at_the_repository_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".svclint.yaml").write_text("disable: [SVC101]\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "k8s").mkdir()
    (repo / "k8s" / "svc.yaml").write_text(SERVICE)
    monkeypatch.chdir(repo / "k8s")
    code, out, _ = invoke("svc.yaml")
    assert code == 1 and "SVC101" in out
    (repo / ".svclint.yaml").write_text("disable: [SVC101]\n")
    assert invoke("svc.yaml")[0] == 0


def test_a_configuration_in_a_folder_anyone_can_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    (shared / "work").mkdir(parents=True)
    (shared / ".svclint.yaml").write_text("disable: [SVC101]\n")
    (shared / "work" / "svc.yaml").write_text(SERVICE)
    shared.chmod(0o1777)
    monkeypatch.chdir(shared / "work")
    code, out, _ = invoke("svc.yaml")
    assert code == 1 and "SVC101" in out


# --- Reading ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--baseline", "/dev/zero: cannot read baseline: not a regular file (a character device)"),
        ("--firewall-rules", "/dev/zero: cannot read firewall rules: not a regular file (a character device)"),
        ("--config", "/dev/zero: cannot read configuration: not a regular file (a character device)"),
    ],
)
def test_devices_where_a_file_belongs_are_refused(project: Path, option: str, message: str) -> None:
    done = run_cli(project, option, "/dev/zero", "svc.yaml", timeout=60)
    assert done.returncode == 2
    assert message in done.stderr


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("baseline: /dev/zero\n", ".svclint.yaml:1:11: /dev/zero must be a file, not a character device"),
        ("context: [k8s, pipe]\n", ".svclint.yaml:1:16: pipe must be a file or folder, not a FIFO"),
        ("rules: [svc.yaml]\n", ".svclint.yaml:1:9: svc.yaml must be a folder, not a file"),
    ],
)
def test_configured_paths_must_be_what_they_are_named_as(project: Path, config: str, message: str) -> None:
    (project / "k8s").mkdir()
    os.mkfifo(project / "pipe")
    (project / ".svclint.yaml").write_text(config)
    done = run_cli(project, "--allow-outside-project", "svc.yaml", timeout=60)
    assert done.returncode == 2
    assert message in done.stderr


def test_configured_paths_stay_inside_the_project(project: Path) -> None:
    outside = project.parent / "elsewhere"
    outside.mkdir()
    (outside / "svc.yaml").write_text(OTHER)
    (project / ".svclint.yaml").write_text("fail-on: never\ncontext:\n- k8s\n- ../elsewhere\n")
    (project / "k8s").mkdir()
    code, _, err = invoke("svc.yaml")
    assert code == 2
    assert f".svclint.yaml:4:3: ../elsewhere is outside the project ({project})" in err
    assert "pass --allow-outside-project to read it" in err
    assert invoke("--allow-outside-project", "svc.yaml")[0] == 0


def test_a_walk_does_not_follow_links_out_of_the_project(project: Path) -> None:
    secret = project.parent / "secret.yaml"
    secret.write_text(OTHER)
    (project / "k8s").mkdir()
    (project / "k8s" / "linked.yaml").symlink_to(secret)
    (project / "k8s" / "inside.yaml").symlink_to(project / "svc.yaml")  # inside the repository: read
    code, out, _ = invoke("k8s")
    assert code == 1
    assert "k8s/linked.yaml:1:1: error SVC005 a symbolic link that leads outside the project" in out
    assert "api" not in out and "k8s/inside.yaml:11:15: error SVC101" in out
    code, out, _ = invoke("--allow-outside-project", "k8s")
    assert "k8s/linked.yaml:11:15: error SVC101" in out


def test_a_rule_directory_holding_a_fifo_is_a_rule_error(project: Path) -> None:
    (project / "rules").mkdir()
    os.mkfifo(project / "rules" / "SVC900-trap.yaml")
    done = run_cli(project, "--rules", "rules", "svc.yaml", timeout=60)
    assert done.returncode == 2
    assert "SVC900-trap.yaml: cannot read rule file: not a regular file (a FIFO)" in done.stderr


def test_a_huge_file_is_reported_without_being_read(project: Path) -> None:
    with open(project / "huge.yaml", "wb") as handle:
        handle.truncate(1024 * 1024 * 1024)  # sparse: a gigabyte that costs no disk
    script = (
        "import resource, sys\n"
        "from svclint.cli import main\n"
        "try:\n"
        "    main(['lint', '-f', 'json', 'huge.yaml'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=project, capture_output=True, text=True, timeout=300, check=False
    )
    findings = json.loads(done.stdout)["findings"]
    assert [f["message"] for f in findings] == [
        "file is 1024.0 MiB, over the 32 MiB limit: not linted (raise --max-file-size)"
    ]
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    assert peak_kib < 400 * 1024  # reading the file would have taken more than a gigabyte


# --- Streams ------------------------------------------------------------------------------------------------

SELECTING_NOTHING = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: web
        image: nginx
"""


def test_a_fifo_is_read_once_and_its_findings_keep_their_positions(project: Path) -> None:
    # What `svclint lint <(kustomize build)` reads: a cross-resource finding needs its position later, and a
    # second open of the FIFO would wait forever for a writer.
    fifo = project / "rendered.yaml"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w") as writer:
            writer.write(SELECTING_NOTHING)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    done = run_cli(project, "--no-config", "rendered.yaml", timeout=60)
    feeder.join(timeout=5)
    assert "rendered.yaml:6:3: warning SVC202 spec.selector (app=web) matches no pod template" in done.stdout


# --- Non-UTF-8 file names -----------------------------------------------------------------------------------

ODD_NAME = b"svc-\xff\xfe.yaml"  # not UTF-8: Linux file names are bytes


@pytest.mark.parametrize("output_format", ["sarif", "json", "gitlab", "text", "github"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(project: Path, output_format: str) -> None:
    os.rename(project / "svc.yaml", os.fsencode(project) + b"/" + ODD_NAME)
    name = os.fsdecode(ODD_NAME)
    for output in ("-", "report.out"):
        args = ["--disable", "SVC308", "-f", output_format, *(["-o", output] if output != "-" else []), "--", name]
        done = run_cli(project, *args)
        assert done.returncode == 1, done.stderr
    raw = (project / "report.out").read_bytes()
    if output_format == "sarif":
        (result,) = json.loads(raw)["runs"][0]["results"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "svc-%FF%FE.yaml" and unquote_to_bytes(uri) == ODD_NAME
    elif output_format == "json":
        (finding,) = json.loads(raw)["findings"]
        assert os.fsencode(finding["path"]) == ODD_NAME
    elif output_format == "gitlab":
        (issue,) = json.loads(raw)
        assert os.fsencode(issue["location"]["path"]) == ODD_NAME
    else:
        assert ODD_NAME in raw  # the name's own bytes, as `ls` shows them


def test_a_baseline_round_trips_a_file_name_that_is_not_utf8(project: Path) -> None:
    os.rename(project / "svc.yaml", os.fsencode(project) + b"/" + ODD_NAME)
    name = os.fsdecode(ODD_NAME)
    code, _, err = invoke("--write-baseline", "b.json", "--", name)
    assert code == 0, err
    json.loads((project / "b.json").read_text(encoding="ascii"))
    assert invoke("--baseline", "b.json", "--", name)[0] == 0


# Hostile names: bytes that are not UTF-8, leading dashes, spaces, newlines, quotes, percent signs, unicode.
NAME_BYTES = st.binary(min_size=1, max_size=24).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_"))
HOSTILE_NAMES = st.one_of(
    NAME_BYTES,
    st.text(min_size=1, max_size=16).map(lambda t: os.fsencode(t.replace("/", "_").replace("\0", "_"))),
    st.sampled_from([b"--output=x", b"-", b"-o", b"a\nb", b"%2e%2e", b'x"\ntouch PWNED #', b" ", b"\xe2\x80\xae"]),
).map(lambda b: b + b".yaml")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=HOSTILE_NAMES)
def test_hostile_file_names_are_reported_as_themselves(tmp_path: Path, name: bytes) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
        handle.write(SERVICE.encode())
    path = os.fsdecode(name)
    # Hypothesis runs this test many times within one function-scoped fixture: a context of its own per example.
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        sarif = CliRunner().invoke(
            cli, ["lint", "--no-config", "--disable", "SVC308", "-f", "sarif", "--", path], catch_exceptions=False
        )
        report = CliRunner().invoke(
            cli, ["lint", "--no-config", "--disable", "SVC308", "-f", "json", "--", path], catch_exceptions=False
        )
    assert sarif.exit_code == 1 and report.exit_code == 1
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in json.loads(sarif.stdout_bytes)["runs"][0]["results"]
        for location in result["locations"]
    }
    assert {unquote_to_bytes(uri) for uri in uris} == {name}
    assert {os.fsencode(f["path"]) for f in json.loads(report.stdout_bytes)["findings"]} == {name}
    assert sorted(os.listdir(os.fsencode(folder))) == [name]  # nothing else written
