"""Which Service claimed a node port first in a file's project: the index answers what comparing each claim with
every earlier claim of its port (the definition) answers, on random sets of Services across nested projects."""

from __future__ import annotations

import random
from pathlib import Path

from svclint.input.document import Resource
from svclint.input.parsing.loader import LoadOptions, load_bytes
from svclint.inventory.neighbourhood import same_project
from svclint.inventory.nodeports import NodePortClaim, NodePortClaims

FOLDERS = ("", "app", "app/base", "app/overlays/prod", "other/deploy", "repo", "repo/manifests", "repo/nested/sub")
REPOSITORIES = ("repo", "repo/nested/sub")

SERVICE = """\
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  type: {type}
  externalTrafficPolicy: Local
  healthCheckNodePort: {health}
  ports:
  - {{port: 80, nodePort: {first}}}
  - {{port: 81, nodePort: {second}}}
"""


def _services(tmp_path: Path, chooser: random.Random) -> list[Resource]:
    """Up to a dozen Services in random files, few names and ports, so that claims collide often."""
    services = []
    for number in range(chooser.randint(1, 12)):
        folder = tmp_path / chooser.choice(FOLDERS)
        text = SERVICE.format(
            name=chooser.choice(("web", "api", "db")),
            namespace=chooser.choice(("default", "prod")),
            type=chooser.choice(("NodePort", "LoadBalancer", "ClusterIP")),
            health=chooser.choice((30001, 30002, 0)),
            first=chooser.choice((30001, 30002, 30003)),
            second=chooser.choice((30001, 30003, "null")),
        )
        path = folder / f"s{number}.yaml"
        path.write_text(text)
        services.extend(load_bytes(str(path), text.encode(), LoadOptions()).resources)
    return services


def _first_by_definition(claims: list[NodePortClaim], mine: NodePortClaim) -> NodePortClaim | None:
    for claim in claims:
        if claim is mine:
            return None
        if claim.owner != mine.owner and same_project(claim.resource.path, mine.resource.path):
            return claim
    raise AssertionError("a claim is among the claims of its port")


def test_the_first_other_claim_is_the_one_the_pairwise_definition_finds(tmp_path: Path) -> None:
    chooser = random.Random(14)
    collisions = 0
    for round_number in range(60):
        round_path = tmp_path / f"round{round_number}"
        for folder in FOLDERS:
            (round_path / folder).mkdir(parents=True, exist_ok=True)
        for folder in REPOSITORIES:
            (round_path / folder / ".git").mkdir()
        claims = NodePortClaims()
        services = _services(round_path, chooser)
        for service in chooser.sample(services, len(services)):  # the order of adding does not matter
            claims.add(service)
        claims.settle()
        for port, of_port in claims.items():
            assert [c.order for c in of_port] == sorted(c.order for c in of_port)
            for mine in of_port:
                assert claims.claim_at(mine.resource, mine.path) is mine
                expected = _first_by_definition(of_port, mine)
                assert claims.first_other(mine) is expected, (port, mine.order)
                collisions += expected is not None
    assert collisions > 20  # the sets were dense enough to test something


def test_only_allocated_ports_are_claims(tmp_path: Path) -> None:
    text = SERVICE.format(name="web", namespace="default", type="ClusterIP", health=30001, first=30001, second=30002)
    (cluster_ip,) = load_bytes(str(tmp_path / "a.yaml"), text.encode(), LoadOptions()).resources
    text = SERVICE.format(name="web", namespace="default", type="NodePort", health=30009, first=30001, second=0)
    (node_port,) = load_bytes(str(tmp_path / "b.yaml"), text.encode(), LoadOptions()).resources
    claims = NodePortClaims()
    claims.add(cluster_ip)
    claims.add(node_port)
    assert sorted(claims) == [30001]  # no health check port outside LoadBalancer, no port 0
    assert claims.claim_at(cluster_ip, ("spec", "ports", 0, "nodePort")) is None
    assert claims.claim_at(node_port, ("spec", "ports", 0, "nodePort")) is not None
