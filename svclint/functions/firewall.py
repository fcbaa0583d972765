"""Firewall checks: node ports that no rule opens, rules that open too much, rules nothing uses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from svclint.engine.api import (
    ANY_VALUE,
    MISSING,
    CheckContext,
    CheckFunction,
    NoOptions,
    Related,
    Target,
    Violation,
    register,
)
from svclint.firewall.settings import ALL
from svclint.functions.values import is_integer

if TYPE_CHECKING:  # the model itself is loaded only by runs with firewall checks on
    from svclint.firewall.model import FirewallModel, FirewallRule, Permission, Verdict


def _model(context: CheckContext) -> FirewallModel | None:
    return context.inventory.firewall


_COVERAGE = (
    "Judges whether the firewall rules of the run let traffic reach a port of the nodes, with the provider's "
    "semantics (GCP: priorities, deny before allow, implied deny; AWS: union of allows). "
)


class _PortCoverage(CheckFunction[NoOptions, NoOptions]):
    """A port of the nodes against the firewall model of the run."""

    provides = frozenset({"reason", "command", "protocol", "nodePort", "firstClosed"})
    needs_inventory = True
    needs_firewall = True
    reads_projection = True  # Service ports, and of workloads the container ports and hostNetwork
    accepts = frozenset({"mapping"})  # an item of spec.ports or of a container's ports

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        model = _model(context)
        port: dict[str, Any] = target.value
        if model is None:
            return
        yield from self.judge(model, context, target, port, str(port.get("protocol") or "TCP").lower())

    def judge(
        self, model: FirewallModel, context: CheckContext, target: Target, port: dict[str, Any], protocol: str
    ) -> Iterable[Violation]:
        raise NotImplementedError


class _OnePortCoverage(_PortCoverage):
    """One port number the port takes on the nodes, judged on its own."""

    def judge(
        self, model: FirewallModel, context: CheckContext, target: Target, port: dict[str, Any], protocol: str
    ) -> Iterable[Violation]:
        on_node = self.port_on_node(context, target, port)
        if on_node is None:
            return
        number, field = on_node
        verdict = model.verdict(protocol, number)
        if not verdict.allowed:
            yield _closed(context, model, verdict, protocol, number, (*target.path, field))

    def port_on_node(self, context: CheckContext, target: Target, port: dict[str, Any]) -> tuple[int, str] | None:
        """The port number on the nodes and the field that sets it; None when the port takes none."""
        raise NotImplementedError


@register
class NodePortAllowed(_OnePortCoverage):
    name = "nodePortAllowed"
    description = _COVERAGE + "For a Service port (an item of spec.ports), checks the nodePort it asks for."

    def port_on_node(self, context: CheckContext, target: Target, port: dict[str, Any]) -> tuple[int, str] | None:
        node_port = port.get("nodePort", MISSING)
        return (node_port, "nodePort") if is_integer(node_port) and node_port > 0 else None


@register
class NodePortRangeAllowed(_PortCoverage):
    name = "nodePortRangeAllowed"
    description = (
        _COVERAGE + "For a Service port (an item of spec.ports) without nodePort, checks that the whole node-port "
        "range is open, since the cluster picks the port."
    )

    def judge(
        self, model: FirewallModel, context: CheckContext, target: Target, port: dict[str, Any], protocol: str
    ) -> Iterable[Violation]:
        node_port = port.get("nodePort", MISSING)
        if is_integer(node_port) and node_port > 0:
            return
        low, high = context.params["nodePortRange"]["min"], context.params["nodePortRange"]["max"]
        covered, first = model.range_verdict(protocol, low, high)
        if not covered and first is not None:
            verdict = model.verdict(protocol, first)
            yield Violation(
                variables={
                    "reason": _reason(verdict),
                    "protocol": protocol,
                    "firstClosed": first,
                    "command": command(model, context, protocol, f"{low}-{high}", verdict),
                },
                related=_related(verdict),
            )


@register
class HostPortAllowed(_OnePortCoverage):
    name = "hostPortAllowed"
    description = (
        _COVERAGE + "For a container port (an item of a container's ports), checks the port it takes on the node: "
        "its `hostPort`, or its containerPort in a pod with `hostNetwork: true` (not one bound to a loopback hostIP)."
    )

    def port_on_node(self, context: CheckContext, target: Target, port: dict[str, Any]) -> tuple[int, str] | None:
        on_node = _port_on_node(context, target, port)
        if on_node is None:
            return None
        return on_node, "hostPort" if is_integer(port.get("hostPort")) and port["hostPort"] > 0 else "containerPort"


def _port_on_node(context: CheckContext, target: Target, port: dict[str, Any]) -> int | None:
    """The port a container port takes on the node, unless it is bound to the node's loopback address."""
    host_ip = port.get("hostIP")
    if isinstance(host_ip, str) and (host_ip.startswith("127.") or host_ip == "::1"):
        return None
    host = port.get("hostPort")
    if isinstance(host, int) and not isinstance(host, bool) and host > 0:
        return host
    pod_spec = context.resource.get(tuple(target.path)[:-4])  # ... spec, containers, i, ports, j
    number = port.get("containerPort")
    on_host_network = isinstance(pod_spec, dict) and pod_spec.get("hostNetwork") is True
    if on_host_network and isinstance(number, int) and not isinstance(number, bool) and number > 0:
        return number
    return None


def _closed(
    context: CheckContext, model: FirewallModel, verdict: Verdict, protocol: str, node_port: int, path: Any
) -> Violation:
    return Violation(
        path=path,
        variables={
            "reason": _reason(verdict),
            "protocol": protocol,
            "nodePort": node_port,
            "command": command(model, context, protocol, str(node_port), verdict),
        },
        related=_related(verdict),
    )


def _reason(verdict: Verdict) -> str:
    if verdict.near_miss is not None:
        return verdict.near_miss[1]
    return "no firewall rule in view admits it, so the implied deny-ingress rule drops it"


def _related(verdict: Verdict) -> tuple[Related, ...]:
    if verdict.near_miss is None:
        return ()
    rule, reason = verdict.near_miss
    return (Related(rule.resource, rule.path or (), reason),)


def command(model: FirewallModel, context: CheckContext, protocol: str, ports: str, verdict: Verdict) -> str:
    """The command that opens the port: gcloud for GCP rules (the default), aws for security groups."""
    settings = model.settings
    sources = ",".join(str(n) for n in settings.client_ranges) or "0.0.0.0/0"
    if model.providers == {"aws"}:
        group = sorted(settings.security_groups)[0] if settings.security_groups else None
        if group is None and verdict.near_miss is not None:
            group = verdict.near_miss[0].group
        low, _, high = ports.partition("-")
        port_arg = f"--port {low}-{high}" if high else f"--port {low}"
        return (
            f"aws ec2 authorize-security-group-ingress --group-id {group or '<node-security-group-id>'} "
            f"--protocol {protocol} {port_arg} --cidr {sources.split(',')[0]}"
        )
    network = settings.network or _network_hint(model) or "default"
    name = _rule_name(f"allow-{context.resource.name}-{ports}")
    parts = [
        f"gcloud compute firewall-rules create {name}",
        f"--network={network}",
        "--direction=INGRESS",
        f"--allow={protocol}:{ports}",
        f"--source-ranges={sources}",
    ]
    if settings.node_tags:
        parts.append("--target-tags=" + ",".join(sorted(settings.node_tags)))
    if verdict.deciding is not None and verdict.deciding.action == "deny" and verdict.deciding.priority > 0:
        parts.append(f"--priority={verdict.deciding.priority - 1}")
    return " ".join(parts)


def _network_hint(model: FirewallModel) -> str | None:
    networks = {rule.network for rule in model.rules if rule.network}
    return next(iter(networks)) if len(networks) == 1 else None


def _rule_name(text: str) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    if not name or not name[0].isalpha():
        name = f"fw-{name}"
    return name[:63].rstrip("-")


def _open_range(
    context: CheckContext, rule: FirewallRule, permission: Permission, low: int, high: int
) -> Violation | None:
    if not rule.sources.covers_everything():
        return None
    if permission.protocol not in (ALL, "tcp", "udp", "sctp") or not permission.covers(permission.protocol, low, high):
        return None
    return _about(rule, permission)


def _stale(context: CheckContext, rule: FirewallRule, permission: Permission, low: int, high: int) -> Violation | None:
    if context.inventory.partial_view or permission.ports is None or permission.protocol == ALL:
        return None
    inside = [r for r in permission.ports if r.high >= low and r.low <= high]
    if not inside or permission.covers(permission.protocol, low, high):
        return None
    # Node ports of Services, and ports pods take on their nodes (hostPort, host network), use the rule.
    inventory = context.inventory
    if any(port in r for r in inside for port in (*inventory.nodeport_claims, *inventory.host_ports)):
        return None
    return _about(rule, permission)


def _about(rule: FirewallRule, permission: Permission) -> Violation:
    """A finding at one permission of a firewall rule."""
    return Violation(
        path=permission.path or None,
        variables={
            "rule": rule.name,
            "permission": permission.describe(),
            "sources": rule.sources.describe(),
            "reason": "",
        },
        identity=permission.describe(),
    )


_FIREWALL_RULE = "For a firewall rule (a ComputeFirewall object or an entry of a --firewall-rules file): "


class _FirewallRuleCheck(CheckFunction[NoOptions, NoOptions]):
    """The firewall rules a resource defines, as the firewall model of the run reads them."""

    provides = frozenset({"rule", "permission", "sources", "reason"})
    needs_inventory = True
    needs_firewall = True
    accepts = ANY_VALUE

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        model = _model(context)
        if model is not None:
            yield from self.judge(model, context)

    def judge(self, model: FirewallModel, context: CheckContext) -> Iterable[Violation]:
        raise NotImplementedError


class _AllowPermissionCheck(_FirewallRuleCheck):
    """Each permission of each enabled ingress allow rule that applies to the nodes."""

    def judge(self, model: FirewallModel, context: CheckContext) -> Iterable[Violation]:
        low, high = context.params["nodePortRange"]["min"], context.params["nodePortRange"]["max"]
        for rule in model.rules_of(context.resource):
            if rule.action != "allow" or model.applicable(rule) is not None:
                continue
            for permission in rule.permissions:
                violation = self.find(context, rule, permission, low, high)
                if violation is not None:
                    yield violation

    # The violation at one permission (node-port range low..high), or None.
    find: ClassVar[staticmethod[[CheckContext, FirewallRule, Permission, int, int], Violation | None]]


@register
class FirewallOpensNodePortRange(_AllowPermissionCheck):
    name = "firewallOpensNodePortRange"
    description = (
        _FIREWALL_RULE + "reports an enabled ingress allow that opens the whole node-port range (or every port) to "
        "0.0.0.0/0 or ::/0 on the nodes."
    )
    find = staticmethod(_open_range)


@register
class FirewallRuleUnused(_AllowPermissionCheck):
    name = "firewallRuleUnused"
    description = (
        _FIREWALL_RULE + "reports an allow for node ports that no Service of the run claims and no pod takes as a "
        "host port (not on partial views)."
    )
    find = staticmethod(_stale)


@register
class FirewallRuleReadable(_FirewallRuleCheck):
    name = "firewallRuleReadable"
    description = _FIREWALL_RULE + "reports a rule svclint cannot read."

    def judge(self, model: FirewallModel, context: CheckContext) -> Iterable[Violation]:
        resource = context.resource
        for problem in model.problems_of(resource):
            yield Violation(path=problem.path, variables={"reason": problem.message, "rule": resource.name})
