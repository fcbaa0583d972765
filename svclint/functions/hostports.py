"""Node ports that pods take for themselves: a container's hostPort, or any container port of a pod on the host
network, is a port of every node the pod runs on, like a Service's nodePort."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, ClassVar

from svclint.engine.api import CheckContext, CheckFunction, NoOptions, Related, Target, Violation, register
from svclint.functions.values import is_integer
from svclint.inventory.index import ContainerPort, PodTemplate
from svclint.inventory.neighbourhood import same_project
from svclint.inventory.placement import Placement, placement_of


@register
class NodePortHeldByPod(CheckFunction[NoOptions, NoOptions]):
    name = "nodePortHeldByPod"
    description = (
        "The node port (a Service's nodePort or healthCheckNodePort) is not also a port pods take on their node: "
        "a container `hostPort`, or a container port of a pod with `hostNetwork: true`, with the same protocol, "
        "in any workload of the run. The pod's port mapping and kube-proxy's node-port rule then both claim the "
        "port on every node that runs such a pod, and one of them silently gets the traffic. The container port "
        "is the related location."
    )
    needs_inventory = True
    provides = frozenset({"workload", "how"})

    accepts = frozenset({"integer"})

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        value: int = target.value
        held = context.inventory.host_ports.get(value)
        if not held:
            return
        port_item = context.resource.get(target.path[:-1]) if target.path[-1] == "nodePort" else None
        protocol = port_item.get("protocol") if isinstance(port_item, dict) else None
        protocol = protocol if isinstance(protocol, str) and protocol else "TCP"
        for template, port in held:
            if port.protocol != protocol:
                continue
            field = _port_field(template, port)
            how = "hostPort" if field == "hostPort" else "container port on the host network"
            workload = template.describe()
            yield Violation(
                variables={"workload": workload, "how": how},
                related=(Related(port.source or template.resource, (*port.path, field), f"{how} of {workload}"),),
            )
            return


def _host_ip(template: PodTemplate, port: ContainerPort) -> str:
    value = (port.source or template.resource).get((*port.path, "hostIP"))
    return value if isinstance(value, str) and value else "0.0.0.0"


def _ips_overlap(first: str, second: str) -> bool:
    """The scheduler's host-port conflict (NodePorts plugin): the same address, or either one every address."""
    return first == second or "0.0.0.0" in (first, second)


def _port_field(template: PodTemplate, port: ContainerPort) -> str:
    """The field that makes the container port a port of the node: hostPort, else containerPort (host network)."""
    item = (port.source or template.resource).get(port.path)
    return "hostPort" if isinstance(item, dict) and is_integer(item.get("hostPort")) else "containerPort"


def _own_ports(context: CheckContext) -> Iterable[tuple[PodTemplate, ContainerPort]]:
    """The container ports of the checked workload (as written in it, not added by a patch) that take a port of
    the node."""
    resource = context.resource
    for template in context.inventory.workloads_named(resource.namespace, resource.name):
        if template.resource is resource or (
            template.resource.kind == resource.kind and template.resource.path == resource.path
        ):
            yield from ((template, p) for p in template.ports if p.on_node is not None and p.source is None)
            return


def _order(template: PodTemplate) -> tuple[str, int, tuple[Any, ...]]:
    resource = template.resource
    return (os.path.abspath(resource.path), resource.document.index, resource.prefix)


_HOST_PORT_PAIRS = (
    "For each container port of a workload (the rule's `given` is the object) that its pods take on their "
    "node (a `hostPort`, or any container port of a pod with `hostNetwork: true`): no other workload of the "
    "same project takes the same port and protocol on an overlapping host address (the same `hostIP`, or either "
    "one unset or 0.0.0.0, as the scheduler's NodePorts check compares them) on nodes both may run on. {pairs} "
    "Two workloads whose nodeSelector or required node affinity cannot both hold on one node never meet. Each "
    "pair is reported once, at the workload defined later (by file and document), with the other's port as the "
    "related location."
)


class _HostPortShared(CheckFunction[NoOptions, NoOptions]):
    """Pairs of workloads of a project that take the same port of a node; `per_node` picks the pairs a rule
    reports: those with a DaemonSet, or the others."""

    per_node: ClassVar[bool]
    provides = frozenset({"port", "protocol", "other", "reason"})
    needs_inventory = True
    reads_projection = True  # the ports (hostPort, hostIP), hostNetwork, nodeSelector and the node affinity

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        # Called once per workload (`given: $`): the inventory already holds its ports, so no JSONPath walks
        # every workload's containers.
        for template, port in _own_ports(context):
            found = self._shared(context, template, port, self.per_node)
            if found is not None:
                yield found

    def _shared(
        self, context: CheckContext, template: PodTemplate, port: ContainerPort, per_node: bool
    ) -> Violation | None:
        placement = placement_of(template.resource.get((*template.template_path, "spec")))
        for other, other_port in context.inventory.host_ports.get(port.on_node or 0, ()):
            if not self._meets(template, port, other, other_port, per_node):
                continue
            other_placement = placement_of(other.resource.get((*other.template_path, "spec")))
            if not placement.may_share_node(other_placement):
                continue
            return Violation(
                path=(*port.path, _port_field(template, port)),
                variables={
                    "port": port.on_node,
                    "protocol": port.protocol,
                    "other": other.describe(),
                    "reason": _reason(template, other, placement, other_placement),
                },
                related=(
                    Related(
                        other_port.source or other.resource,
                        (*other_port.path, _port_field(other, other_port)),
                        f"host port of {other.describe()}",
                    ),
                ),
            )
        return None

    @staticmethod
    def _meets(
        template: PodTemplate, port: ContainerPort, other: PodTemplate, other_port: ContainerPort, per_node: bool
    ) -> bool:
        """Whether the other template's port is a different workload's, of the same project, defined earlier,
        on the same protocol and an overlapping address, and of the pairs this rule reports."""
        if (other.resource.kind, other.resource.namespace, other.resource.name) == (
            template.resource.kind,
            template.resource.namespace,
            template.resource.name,
        ):
            return False  # the workload itself, or another definition of it (an overlay)
        if other_port.protocol != port.protocol or not _ips_overlap(
            _host_ip(template, port), _host_ip(other, other_port)
        ):
            return False
        if (template.per_node or other.per_node) != per_node or _order(other) >= _order(template):
            return False
        return same_project(other.resource.path, template.resource.path)


@register
class HostPortCollision(_HostPortShared):
    name = "hostPortCollision"
    description = _HOST_PORT_PAIRS.format(
        pairs="Reports pairs where one side is a DaemonSet: its pods run on every node they may, so they meet the "
        "other's pods."
    )
    per_node = True


@register
class HostPortSharedAcrossNodes(_HostPortShared):
    name = "hostPortSharedAcrossNodes"
    description = _HOST_PORT_PAIRS.format(
        pairs="Reports pairs where neither side is a DaemonSet: the scheduler keeps their pods on different nodes."
    )
    per_node = False


def _reason(template: PodTemplate, other: PodTemplate, mine: Placement, theirs: Placement) -> str:
    anywhere = mine.anywhere and theirs.anywhere
    if template.per_node or other.per_node:
        where = " where both would run" if anywhere else " that satisfies both workloads' node selection"
        return f"on every node{where}, one pod cannot be scheduled (a DaemonSet's pod stays Pending there)"
    where = "" if anywhere else " that satisfies both workloads' node selection"
    counts = [t.replicas for t in (template, other)]
    total = f": their {sum(c for c in counts if c is not None)} pods need as many nodes" if None not in counts else ""
    return f"the scheduler never puts pods of both on one node{where}{total}, and pods left without one stay Pending"
