"""Node ports that pods take for themselves: a container's hostPort, or any container port of a pod on the host
network, is a port of every node the pod runs on, like a Service's nodePort."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from svclint.engine.api import CheckContext, CheckFunction, Related, Target, Violation, register
from svclint.functions.values import is_integer


@register
class NodePortHeldByPod(CheckFunction):
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

    def check(self, target: Target, options: Any, context: CheckContext) -> Iterable[Violation]:
        value = target.value
        if not is_integer(value):
            return
        held = context.inventory.host_ports.get(value)
        if not held:
            return
        port_item = context.resource.get(target.path[:-1]) if target.path[-1] == "nodePort" else None
        protocol = port_item.get("protocol") if isinstance(port_item, dict) else None
        protocol = protocol if isinstance(protocol, str) and protocol else "TCP"
        for template, port in held:
            if port.protocol != protocol:
                continue
            item = (port.source or template.resource).get(port.path)
            field = "hostPort" if isinstance(item, dict) and is_integer(item.get("hostPort")) else "containerPort"
            how = "hostPort" if field == "hostPort" else "container port on the host network"
            workload = template.describe()
            yield Violation(
                variables={"workload": workload, "how": how},
                related=(Related(port.source or template.resource, (*port.path, field), f"{how} of {workload}"),),
            )
            return
