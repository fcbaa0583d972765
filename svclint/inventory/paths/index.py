"""The path facts of a run, read once when the inventory is built: Gateways, routes, ReferenceGrants,
NetworkPolicies, EndpointSlices and v1 Endpoints, indexed for the questions checks and reports ask."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from msgspec import Struct, field

from svclint.input.document import Resource
from svclint.inventory.paths.endpoints import EndpointSet, read_endpoints, read_slice
from svclint.inventory.paths.gateway import (
    BackendRef,
    Gateway,
    Listener,
    ParentRef,
    ReferenceGrant,
    Route,
    is_gateway,
    is_reference_grant,
    is_route,
    read_gateway,
    read_grant,
    read_route,
)
from svclint.inventory.paths.labels import LabelSelector
from svclint.inventory.paths.policies import NetworkPolicy, read_policy

# The kinds whose objects the path model reads (besides Services, workloads and Ingresses, which the inventory
# reads for itself).
PATH_KINDS = frozenset({"Gateway", "ReferenceGrant", "NetworkPolicy", "EndpointSlice", "Endpoints", "Namespace"})
# The API server labels every namespace with its own name (Kubernetes 1.22+): selectors may use it even when the
# Namespace object is not in view.
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


class PathIndex(Struct):
    # Gateways by (namespace, name); several definitions (overlays, examples) each count.
    gateways: dict[tuple[str, str], list[Gateway]] = field(default_factory=lambda: defaultdict(list))
    routes: list[Route] = field(default_factory=list)
    grants: dict[str, list[ReferenceGrant]] = field(default_factory=lambda: defaultdict(list))  # by namespace
    policies: dict[str, list[NetworkPolicy]] = field(default_factory=lambda: defaultdict(list))  # by namespace
    # EndpointSlices and v1 Endpoints subsets by (namespace, Service name).
    slices: dict[tuple[str, str | None], list[EndpointSet]] = field(default_factory=lambda: defaultdict(list))
    endpoints: dict[tuple[str, str], list[EndpointSet]] = field(default_factory=lambda: defaultdict(list))
    # The labels of each Namespace object of the run, by name (one entry per definition).
    namespace_labels: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    _routes_of: dict[int, Route] = field(default_factory=dict)  # by id() of the route's Resource

    def add(self, resource: Resource) -> bool:
        """Read the object when the path model needs it; False when it does not."""
        kind = resource.kind
        if is_route(resource):
            route = read_route(resource)
            self.routes.append(route)
            self._routes_of[id(resource)] = route
        elif is_gateway(resource):
            self.gateways[(resource.namespace, resource.name)].append(read_gateway(resource))
        elif is_reference_grant(resource):
            self.grants[resource.namespace].append(read_grant(resource))
        elif kind == "NetworkPolicy" and resource.api_version == "networking.k8s.io/v1":
            self.policies[resource.namespace].append(read_policy(resource))
        elif kind == "EndpointSlice" and resource.api_version.startswith("discovery.k8s.io/"):
            found = read_slice(resource)
            self.slices[(resource.namespace, found.service)].append(found)
        elif kind == "Endpoints" and resource.api_version == "v1":
            self.endpoints[(resource.namespace, resource.name)].extend(read_endpoints(resource))
        elif kind == "Namespace" and resource.api_version == "v1":
            metadata = resource.data.get("metadata")
            labels = metadata.get("labels") if isinstance(metadata, dict) else None
            self.namespace_labels[resource.name].append(labels if isinstance(labels, dict) else {})
        else:
            return False
        return True

    # --- Gateway API ---------------------------------------------------------------------------------------

    def route_of(self, resource: Resource) -> Route | None:
        return self._routes_of.get(id(resource))

    def parent_gateways(self, parent: ParentRef) -> list[Gateway] | None:
        """The definitions of the Gateway a parentRef names that are nearest to the route: in its file, else in
        its folder, else all of them (example folders often each define a Gateway of the same name). None when
        the run does not define that Gateway."""
        if not parent.is_gateway:
            return None
        definitions = self.gateways.get((parent.namespace, parent.name))
        if not definitions:
            return None
        path = parent.route.path
        same_file = [d for d in definitions if d.resource.path == path]
        if same_file:
            return same_file
        folder = os.path.dirname(path)
        return [d for d in definitions if os.path.dirname(d.resource.path) == folder] or definitions

    def granting(self, backend: BackendRef) -> ReferenceGrant | None:
        """The ReferenceGrant of the backend's namespace that allows its route to refer to it."""
        return next((grant for grant in self.grants.get(backend.namespace, ()) if grant.allows(backend)), None)

    def has_grants(self, namespace: str) -> bool:
        return bool(self.grants.get(namespace))

    def listener_admits(self, listener: Listener, namespace: str) -> bool | None:
        """Whether the listener's allowedRoutes.namespaces admits routes of the namespace; a selector is matched
        against the Namespace objects of the run (None when what decides is not in view)."""
        if listener.namespaces_from == "Selector":
            return (
                None
                if listener.namespace_selector is None
                else self.namespace_selected(listener.namespace_selector, namespace)
            )
        return listener.admits_namespace(namespace)

    # --- Namespaces ----------------------------------------------------------------------------------------

    def namespace_selected(self, selector: LabelSelector, namespace: str) -> bool | None:
        """Whether a namespace selector selects the namespace: by the labels of its Namespace objects in the run,
        else by the one label every namespace has (its name); None when labels out of view would decide."""
        definitions = self.namespace_labels.get(namespace)
        own = {NAMESPACE_NAME_LABEL: namespace}
        if not definitions:
            return selector.matches(own, complete=False)
        results = {selector.matches({**labels, **own}) for labels in definitions}
        return True if True in results else (None if None in results else False)

    # --- NetworkPolicies -----------------------------------------------------------------------------------

    def isolating(self, namespace: str, labels: Mapping[str, Any]) -> list[NetworkPolicy] | None:
        """The policies that isolate pods with these labels for ingress; None when a selector cannot be read."""
        found: list[NetworkPolicy] = []
        for policy in self.policies.get(namespace, ()):
            if not policy.isolates_ingress:
                continue
            selected = policy.selects(labels)
            if selected is None:
                return None
            if selected:
                found.append(policy)
        return found

    # --- Endpoints written by hand -------------------------------------------------------------------------

    def endpoint_sets(self, namespace: str, service: str) -> list[EndpointSet]:
        """The EndpointSlices labelled for the Service, and the subsets of its v1 Endpoints."""
        return [*self.slices.get((namespace, service), ()), *self.endpoints.get((namespace, service), ())]
