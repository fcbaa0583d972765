"""Node-port collisions are claims about one cluster: only Services of one project collide."""

from __future__ import annotations

from pathlib import Path

from conftest import by_rule, places, run_files


def _node_port_service(name: str, node_port: int) -> str:
    return (
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: NodePort\n"
        f"  ports:\n  - port: 80\n    nodePort: {node_port}\n"
    )


def _collisions(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, int]]:
    return places(by_rule(run_files(tmp_path, files).findings, "SVC206"))


def test_services_of_unrelated_projects_do_not_collide(tmp_path: Path) -> None:
    files = {
        "shop/deploy/kubernetes/front-end-svc.yaml": _node_port_service("front-end", 30001),
        "examples/storage/vitess/vtctld-svc.yaml": _node_port_service("vtctld", 30001),
    }
    assert _collisions(tmp_path, files) == []


def test_services_of_sibling_folders_collide(tmp_path: Path) -> None:
    files = {
        "deploy/app/front-end-svc.yaml": _node_port_service("front-end", 30001),
        "deploy/monitoring/grafana-svc.yaml": _node_port_service("grafana", 30001),
    }
    assert _collisions(tmp_path, files) == [("deploy/monitoring/grafana-svc.yaml", 9, 15)]


def test_services_of_two_repositories_do_not_collide(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / ".git").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / ".git").mkdir()
    files = {"one/svc.yaml": _node_port_service("web", 30001), "two/svc.yaml": _node_port_service("api", 30001)}
    assert _collisions(tmp_path, files) == []
