"""One copy of each value the kept objects hold: equal values become one object, values that differ in type
(as the checks tell them apart) never do, and what each object holds stays equal to what it held."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import Any

from conftest import builtin_rules
from svclint.input.sources import collect
from svclint.run.parallel import run_files
from svclint.run.reading import file_job
from svclint.run.rules import plan_rules
from svclint.run.settings import LintSettings
from svclint.run.sharing import SharedValues


def test_equal_mappings_lists_and_strings_become_one_object() -> None:
    shared = SharedValues()
    long_image = "registry.example.com/" + "team/" * 20 + "web:1.2.3"
    first = shared.share({"labels": {"app": "web"}, "ports": [{"port": 80}], "image": long_image})
    second = shared.share({"labels": {"app": "web"}, "ports": [{"port": 80}], "image": "".join(long_image)})
    assert first is second
    selector = shared.share({"app": "web"})
    assert selector is first["labels"]
    assert shared.share([{"port": 80}]) is first["ports"]


def test_values_of_different_types_stay_apart() -> None:
    shared = SharedValues()
    variants: list[Any] = [80, 80.0, "80", True, 1, 1.0, False, 0, None, "", [], {}]
    wrapped = [shared.share({"value": value}) for value in variants]
    assert len({id(w) for w in wrapped}) == len(variants)
    for value, kept in zip(variants, wrapped, strict=True):
        assert type(kept["value"]) is type(value) and kept["value"] == value
    assert shared.share([[]]) is not shared.share([{}])
    assert shared.share({"a": 1, "b": 2}) is not shared.share({"b": 2, "a": 1})  # key order is the file's


def test_sharing_keeps_every_value_as_it_was() -> None:
    document = {
        "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}},
        "spec": {
            "selector": {"app": "web", "tier": "front"},
            "ports": [{"port": 80, "targetPort": "http"}, {"port": 443, "targetPort": 8443, "nodePort": None}],
            "ratio": 0.5,
            "enabled": True,
        },
    }
    expected = copy.deepcopy(document)
    shared = SharedValues()
    kept = shared.share(document)
    assert kept == expected and list(kept) == list(expected)
    assert kept["spec"]["selector"] is kept["metadata"]["labels"]


def test_keys_that_crossed_from_another_process_are_interned_again() -> None:
    received = pickle.loads(pickle.dumps({"containerPort" + "": 8080}))  # unpickling makes fresh strings
    kept = SharedValues().share(received)
    (key,) = kept
    assert key is "containerPort"  # noqa: F632 - the point is identity with the interned literal


def test_files_read_share_their_equal_values(tmp_path: Path) -> None:
    deployment = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
      - name: web
        image: example/web:1
        ports:
        - {{containerPort: 8080, protocol: TCP}}
"""
    service = "kind: Service\napiVersion: v1\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}"
    (tmp_path / "a.yaml").write_text(deployment.format(name="web-a"))
    (tmp_path / "b.yaml").write_text(deployment.format(name="web-b"))
    (tmp_path / "svc.yaml").write_text(service)
    settings = LintSettings(paths=[str(tmp_path)], use_cache=False)
    plan = plan_rules(builtin_rules(), settings)
    sources = collect([str(tmp_path)], None)
    for jobs in (1, 2):
        results = run_files([(source, True) for source in sources], file_job(plan, settings), jobs)
        (a,), (b,), (svc,) = (result.kept for result in results)
        assert a.name == "web-a" and b.name == "web-b"
        a_template, b_template = a.data["spec"]["template"], b.data["spec"]["template"]
        assert a_template is b_template
        assert svc.data["spec"]["selector"] is a_template["metadata"]["labels"]
        assert a_template["spec"]["containers"][0]["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
