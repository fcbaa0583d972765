"""The path model: how traffic travels from an entry point to the pods, and what stands in its way.

Entry points (LoadBalancer and NodePort Services, externalIPs, Ingress rules, Gateway listeners) lead through
routes (Ingress backends, Gateway API routes with their parentRefs and ReferenceGrants) to a Service port, its
targetPort, the pods that serve it (or the EndpointSlices written for a Service without selector), and the
NetworkPolicies that admit or refuse the traffic. The facts are read once, when the inventory is built
(`PathIndex`); `svclint.inventory.walk` follows them for one Service, across the whole inventory.
"""
