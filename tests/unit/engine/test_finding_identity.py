"""Every finding's identity follows one recipe (svclint/engine/findings.py): the rule, what it is about (an object,
or the file or comment), what tells it apart there. Baselines and SARIF fingerprints are made from it, so these
identities must stay as they are."""

from __future__ import annotations

from pathlib import Path

from conftest import NODE_PORT_OUT_OF_RANGE, run_files


def test_the_identity_of_a_rule_finding_an_input_finding_and_an_unused_suppression(tmp_path: Path) -> None:
    files = {
        "svc.yaml": NODE_PORT_OUT_OF_RANGE + "# svclint: ignore SVC102 -- nothing here\n",
        "broken.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: x\n",
    }
    result = run_files(tmp_path, files, enable=("SVC009",))
    identities = {f.rule_id: f.identity for f in result.findings}
    assert identities["SVC101"] == ("SVC101", "Service", "default", "web", "spec.ports[0].nodePort", "")
    assert identities["SVC001"][:2] == ("SVC001", "broken.yaml")
    assert identities["SVC009"] == ("SVC009", "comment", "svclint: ignore SVC102 -- nothing here")
