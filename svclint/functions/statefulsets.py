"""The governing Service of a StatefulSet: the headless Service that gives its pods their DNS names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from svclint.engine.api import CheckContext, CheckFunction, NoOptions, Related, Target, Violation, register
from svclint.input.document import Resource
from svclint.inventory.evidence import service_in_view, service_maker, services_in_view
from svclint.inventory.index import selects

_FOR_SERVICE_NAME = "For a StatefulSet's `serviceName` (the governing Service that gives its pods DNS names): "


class _GoverningServiceCheck(CheckFunction[NoOptions, NoOptions]):
    """A StatefulSet's serviceName against the Service of that name in its namespace."""

    provides = frozenset({"reason"})
    needs_inventory = True
    reads_projection = True  # spec.serviceName and the pod template's labels
    accepts = frozenset({"string"})

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        name: str = target.value
        if not name:
            return
        workload = context.resource
        service = service_in_view(context.inventory, workload.namespace, name, workload.path)
        if service is None:
            yield from self.missing(name, context)
        else:
            yield from self.judge(service, f"Service {service.namespace}/{service.name}", context)

    def missing(self, name: str, context: CheckContext) -> Iterable[Violation]:
        return ()  # defined in the run, in another project, or not in view: the rule for a missing one speaks

    def judge(self, service: Resource, described: str, context: CheckContext) -> Iterable[Violation]:
        return ()


@register
class GoverningServiceExists(_GoverningServiceCheck):
    name = "governingServiceExists"
    description = _FOR_SERVICE_NAME + (
        "a Service of that name is in the StatefulSet's namespace. Silent when the run defines no Service of the "
        "namespace in view (as for backendRefService), when a Service of that name is defined in another project "
        "of the run, or when an operator's object there is named like it."
    )

    def missing(self, name: str, context: CheckContext) -> Iterable[Violation]:
        inventory, workload = context.inventory, context.resource
        namespace = workload.namespace
        if inventory.service(namespace, name) is not None:
            return  # defined in the run, in another project: which one is meant is not known
        if not services_in_view(inventory, namespace, workload.path):
            return
        if service_maker(inventory, namespace, name) is not None:
            return
        yield Violation(variables={"reason": f"no Service {name} in namespace {namespace}"})


@register
class GoverningServiceHeadless(_GoverningServiceCheck):
    name = "governingServiceHeadless"
    description = _FOR_SERVICE_NAME + (
        "the Service of that name in view has `clusterIP: None` (the pods get per-pod DNS records, "
        "`<pod>.<service>`, only from a headless Service)."
    )

    def judge(self, service: Resource, described: str, context: CheckContext) -> Iterable[Violation]:
        if service.get(("spec", "clusterIP")) != "None":
            yield Violation(
                variables={"reason": f"{described} has a cluster IP"},
                related=(Related(service, ("spec", "clusterIP"), described),),
            )


@register
class GoverningServiceSelectsPods(_GoverningServiceCheck):
    name = "governingServiceSelectsPods"
    description = _FOR_SERVICE_NAME + (
        "the selector of the Service of that name in view matches the StatefulSet's pod template labels (the "
        "records come from the Service's endpoints)."
    )

    def judge(self, service: Resource, described: str, context: CheckContext) -> Iterable[Violation]:
        labels = context.resource.get(("spec", "template", "metadata", "labels"))
        return _selects(service, labels, described)


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
