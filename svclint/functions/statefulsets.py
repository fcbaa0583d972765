"""The governing Service of a StatefulSet: the headless Service that gives its pods their DNS names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, TypedDict

from svclint.engine.api import CheckContext, CheckFunction, Related, Target, Violation, register
from svclint.inventory.evidence import service_in_view, service_maker, services_in_view
from svclint.inventory.index import selects


class GoverningServiceOptions(TypedDict):
    expect: Literal["exists", "headless", "selects"]


@register
class GoverningService(CheckFunction[GoverningServiceOptions, GoverningServiceOptions]):
    name = "governingService"
    description = (
        "For a StatefulSet's `serviceName`: `expect: exists`, a Service of that name is in the StatefulSet's "
        "namespace (silent when the run defines no Service of the namespace in view, as for backendRefService, or "
        "an operator's object there is named like it); `expect: headless`, that Service has `clusterIP: None` "
        "(the pods get per-pod DNS records, `<pod>.<service>`, only from a headless Service); `expect: selects`, "
        "its selector matches the StatefulSet's pod template labels (the records come from the Service's "
        "endpoints)."
    )
    options_schema = {
        "type": "object",
        "properties": {"expect": {"enum": ["exists", "headless", "selects"]}},
        "required": ["expect"],
        "additionalProperties": False,
    }
    provides = frozenset({"reason"})
    needs_inventory = True
    reads_projection = True  # spec.serviceName and the pod template's labels

    accepts = frozenset({"string"})

    def check(self, target: Target, options: GoverningServiceOptions, context: CheckContext) -> Iterable[Violation]:
        name: str = target.value
        if not name:
            return
        workload = context.resource
        inventory = context.inventory
        namespace = workload.namespace
        service = service_in_view(inventory, namespace, name, workload.path)
        expect = options["expect"]
        if service is None:
            if expect != "exists" or inventory.service(namespace, name) is not None:
                return  # defined in the run, in another project: which one is meant is not known
            if not services_in_view(inventory, namespace, workload.path):
                return
            if service_maker(inventory, namespace, name) is not None:
                return
            yield Violation(variables={"reason": f"no Service {name} in namespace {namespace}"})
            return
        described = f"Service {service.namespace}/{service.name}"
        if expect == "headless" and service.get(("spec", "clusterIP")) != "None":
            yield Violation(
                variables={"reason": f"{described} has a cluster IP"},
                related=(Related(service, ("spec", "clusterIP"), described),),
            )
        elif expect == "selects":
            yield from _selects(service, workload.get(("spec", "template", "metadata", "labels")), described)


def _selects(service: Any, labels: Any, described: str) -> Iterable[Violation]:
    selector = service.get(("spec", "selector"))
    if not isinstance(selector, dict) or not selector:
        reason = f"{described} has no selector, so it has no endpoints for the pods"
    elif isinstance(labels, dict) and selects(selector, labels):
        return
    else:
        shown = ", ".join(f"{k}={v}" for k, v in selector.items())
        reason = f"the selector of {described} ({shown}) does not match the pod template's labels"
    yield Violation(variables={"reason": reason}, related=(Related(service, ("spec", "selector"), described),))
