"""NetworkPolicies (networking.k8s.io/v1) as the path model reads them: which pods a policy isolates for ingress,
and which ingress rules admit traffic from where, on which ports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from msgspec import Struct

from svclint.core.model import FieldPath
from svclint.input.document import Resource
from svclint.inventory.paths.labels import LabelSelector

# Whether a namespace selector selects a namespace (by the labels of the Namespace objects in view).
NamespaceMatcher = Callable[[LabelSelector, str], "bool | None"]


class PolicyPeer(Struct, frozen=True):
    path: FieldPath
    ip_block: str | None  # ipBlock.cidr
    pods: LabelSelector | None
    namespaces: LabelSelector | None

    def admits_pods(
        self, namespace: str, labels: Mapping[str, Any] | None, own_namespace: str, selected: NamespaceMatcher
    ) -> bool | None:
        """Whether this peer matches pods of `namespace` with `labels` (None: labels not known). NetworkPolicyPeer:
        a podSelector alone selects pods of the policy's own namespace, a namespaceSelector alone every pod of
        the namespaces it selects, both together the pods matching one in the namespaces matching the other. An
        ipBlock decides by address, which depends on the pod network: not known."""
        if self.ip_block is not None or (self.pods is None and self.namespaces is None):
            return None
        in_namespace = namespace == own_namespace if self.namespaces is None else selected(self.namespaces, namespace)
        if in_namespace is False:
            return False
        if self.pods is None or self.pods.selects_everything:
            in_pods: bool | None = True
        else:
            in_pods = None if labels is None else self.pods.matches(labels)
        if in_pods is False:
            return False
        return True if in_namespace and in_pods else None

    @property
    def outside_cluster(self) -> bool:
        """Only an ipBlock can match a client outside the cluster, or a node's address: pod and namespace
        selectors match pods (NetworkPolicy API: "ipBlock ... selects particular IP CIDR ranges")."""
        return self.ip_block is not None


class PolicyPort(Struct, frozen=True):
    protocol: str
    port: int | str | None  # None: every port of the protocol
    end_port: int | None

    def matches(self, number: int | None, name: str | None, protocol: str) -> bool | None:
        """Whether traffic to a pod port (its number and container port name, as far as known) is covered; None
        when what would decide is not known."""
        if protocol != self.protocol:
            return False
        if self.port is None:
            return True
        if isinstance(self.port, str):
            return None if name is None else self.port == name
        if number is None:
            return None
        high = self.end_port if self.end_port is not None and self.end_port >= self.port else self.port
        return self.port <= number <= high


class IngressRule(Struct, frozen=True):
    path: FieldPath
    peers: tuple[PolicyPeer, ...] | None  # None: `from` absent or empty, every source
    ports: tuple[PolicyPort, ...] | None  # None: `ports` absent or empty, every port

    def covers_port(self, number: int | None, name: str | None, protocol: str) -> bool | None:
        if self.ports is None:
            return True
        results = [port.matches(number, name, protocol) for port in self.ports]
        return True if True in results else (None if None in results else False)

    def admits_outside(self) -> bool:
        return self.peers is None or any(peer.outside_cluster for peer in self.peers)

    def admits_pods(
        self, namespace: str, labels: Mapping[str, Any] | None, own_namespace: str, selected: NamespaceMatcher
    ) -> bool | None:
        """Whether some peer (or the absence of `from`: every source) matches the pods."""
        if self.peers is None:
            return True
        results = {peer.admits_pods(namespace, labels, own_namespace, selected) for peer in self.peers}
        return True if True in results else (None if None in results else False)


class NetworkPolicy(Struct, frozen=True):
    resource: Resource
    pod_selector: LabelSelector
    isolates_ingress: bool  # "Ingress" in policyTypes (the default when policyTypes is absent)
    ingress: tuple[IngressRule, ...]

    def selects(self, labels: Mapping[str, Any]) -> bool | None:
        return self.pod_selector.matches(labels)

    def outside_admission(self, number: int | None, name: str | None, protocol: str) -> IngressRule | bool | None:
        """The ingress rule that admits clients outside the cluster (or node addresses) to the port; False when no
        rule does; None when a rule might (a named port that cannot be resolved)."""
        unknown = False
        for rule in self.ingress:
            covered = rule.covers_port(number, name, protocol)
            if covered is False or not rule.admits_outside():
                continue
            if covered is None:
                unknown = True
                continue
            return rule
        return None if unknown else False

    def pod_admission(
        self,
        number: int | None,
        name: str | None,
        protocol: str,
        source: tuple[str, Mapping[str, Any] | None],
        selected: NamespaceMatcher,
    ) -> IngressRule | bool | None:
        """The ingress rule that admits pods of the `source` (namespace, labels or None) to the port; False when
        no rule does; None when one might (a named port, a namespace's labels or an ipBlock decides)."""
        unknown = False
        for rule in self.ingress:
            covered = rule.covers_port(number, name, protocol)
            admitted = rule.admits_pods(source[0], source[1], self.resource.namespace, selected)
            if covered is False or admitted is False:
                continue
            if covered is None or admitted is None:
                unknown = True
                continue
            return rule
        return None if unknown else False


def read_policy(resource: Resource) -> NetworkPolicy:
    spec = resource.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    types = spec.get("policyTypes")
    # API defaulting: without policyTypes a policy always isolates for ingress (and for egress when it has
    # egress rules).
    isolates = "Ingress" in types if isinstance(types, list) and types else True
    rules = spec.get("ingress")
    ingress = tuple(
        _ingress_rule(rule, ("spec", "ingress", index))
        for index, rule in enumerate(rules if isinstance(rules, list) else ())
        if isinstance(rule, dict) or rule is None
    )
    return NetworkPolicy(resource, LabelSelector.parse(spec.get("podSelector")), isolates, ingress)


def _ingress_rule(rule: dict[str, Any] | None, path: FieldPath) -> IngressRule:
    rule = rule or {}
    peers = rule.get("from")
    ports = rule.get("ports")
    return IngressRule(
        path,
        tuple(_peer(peer, (*path, "from", i)) for i, peer in enumerate(peers) if isinstance(peer, dict))
        if isinstance(peers, list) and peers
        else None,
        tuple(_port(port) for port in ports if isinstance(port, dict)) if isinstance(ports, list) and ports else None,
    )


def _peer(peer: dict[str, Any], path: FieldPath) -> PolicyPeer:
    block = peer.get("ipBlock")
    cidr = block.get("cidr") if isinstance(block, dict) else None
    return PolicyPeer(
        path,
        cidr if isinstance(cidr, str) else ("" if isinstance(block, dict) else None),
        LabelSelector.parse(peer["podSelector"]) if "podSelector" in peer else None,
        LabelSelector.parse(peer["namespaceSelector"]) if "namespaceSelector" in peer else None,
    )


def _port(port: dict[str, Any]) -> PolicyPort:
    protocol = port.get("protocol")
    value = port.get("port")
    end = port.get("endPort")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return PolicyPort(
        protocol if isinstance(protocol, str) and protocol else "TCP",
        value if isinstance(value, (int, str)) and not isinstance(value, bool) else None,
        end if isinstance(end, int) and not isinstance(end, bool) else None,
    )
