"""Who reaches an Ingress or a Gateway: decided by the controller that serves its class, read from the few
classes whose exposure is fixed by the class itself. Any other class is served by a controller whose own Service
(not in the Ingress) decides, so the report says that is not known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from svclint.exposure.model import ANYWHERE, INTERNET, UNKNOWN, VPC, Reach
from svclint.exposure.reach import annotations_of, level_of, parse_network
from svclint.input.document import Resource

INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
# GKE: "gce" builds an external Application Load Balancer, "gce-internal" an internal one
# (cloud.google.com/kubernetes-engine/docs/concepts/ingress, "Summary of GKE Ingress controller behavior").
FIXED_INGRESS_CLASSES = {"gce": INTERNET, "gce-internal": VPC}
# AWS Load Balancer Controller: an ALB is internal unless alb.ingress.kubernetes.io/scheme says internet-facing
# (kubernetes-sigs.github.io/aws-load-balancer-controller, "Ingress annotations": scheme, default internal).
ALB_SCHEME = "alb.ingress.kubernetes.io/scheme"
ALB_CIDRS = "alb.ingress.kubernetes.io/inbound-cidrs"
# ingress-nginx admits only these client ranges (annotations "allowlist-source-range", formerly
# "whitelist-source-range"; kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations).
NGINX_ALLOW_LISTS = (
    "nginx.ingress.kubernetes.io/allowlist-source-range",
    "nginx.ingress.kubernetes.io/whitelist-source-range",
)
# GKE Gateway classes (cloud.google.com/kubernetes-engine/docs/concepts/gateway-api, "GatewayClass capabilities").
FIXED_GATEWAY_CLASSES = {
    "gke-l7-global-external-managed": INTERNET,
    "gke-l7-regional-external-managed": INTERNET,
    "gke-l7-gxlb": INTERNET,
    "gke-l7-global-external-managed-mc": INTERNET,
    "gke-l7-regional-external-managed-mc": INTERNET,
    "gke-l7-gxlb-mc": INTERNET,
    "gke-l7-rilb": VPC,
    "gke-l7-rilb-mc": VPC,
    "gke-l7-cross-regional-internal-managed-mc": VPC,
}


def ingress(resource: Resource) -> Reach:
    annotations = annotations_of(resource.data)
    spec = resource.data.get("spec")
    named = spec.get("ingressClassName") if isinstance(spec, dict) else None
    ingress_class = named if isinstance(named, str) else annotations.get(INGRESS_CLASS_ANNOTATION)
    if ALB_SCHEME in annotations or ingress_class == "alb":
        alb = _alb(annotations)
        if alb is not None:
            return alb
    fixed = FIXED_INGRESS_CLASSES.get(ingress_class) if isinstance(ingress_class, str) else None
    allowed = next((_ranges(annotations[key]) for key in NGINX_ALLOW_LISTS if key in annotations), ())
    if fixed is not None:
        kind = "an external" if fixed == INTERNET else "an internal"
        return Reach(fixed, ANYWHERE, (f"class {ingress_class}: GKE builds {kind} Application Load Balancer",))
    what = f"class {ingress_class}" if isinstance(ingress_class, str) else "no class named"
    if allowed and level_of(allowed) == VPC:
        return Reach(VPC, allowed, (f"the controller admits only {', '.join(allowed)} (private ranges)",))
    sources = allowed or ANYWHERE
    return Reach(
        UNKNOWN,
        sources,
        (f"{what}: who reaches the Ingress depends on its controller's own Service, which this Ingress does not show",),
    )


def _alb(annotations: Mapping[str, Any]) -> Reach | None:
    """An AWS Application Load Balancer's reach, by its scheme; None for a scheme svclint does not know."""
    scheme = annotations.get(ALB_SCHEME, "internal")
    sources = _ranges(annotations.get(ALB_CIDRS)) or ANYWHERE
    if scheme == "internet-facing":
        return Reach(
            level_of(sources), sources, (f"an ALB with scheme internet-facing admitting {', '.join(sources)}",)
        )
    if scheme == "internal":
        return Reach(VPC, sources, ("an internal ALB (scheme internal, the controller's default)",))
    return None


def gateway(resource: Resource | None, gateway_name: str) -> Reach:
    if resource is None:
        return Reach(UNKNOWN, ANYWHERE, (f"Gateway {gateway_name} is not in view",))
    spec = resource.data.get("spec")
    class_name = spec.get("gatewayClassName") if isinstance(spec, dict) else None
    fixed = FIXED_GATEWAY_CLASSES.get(class_name) if isinstance(class_name, str) else None
    if fixed is not None:
        kind = "an external" if fixed == INTERNET else "an internal"
        return Reach(fixed, ANYWHERE, (f"GatewayClass {class_name}: GKE builds {kind} load balancer",))
    return Reach(
        UNKNOWN,
        ANYWHERE,
        (f"GatewayClass {class_name}: its implementation decides who reaches the Gateway, and that is not in view",),
    )


def _ranges(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    return tuple(str(n) for n in (parse_network(item) for item in value.split(",")) if n is not None)
