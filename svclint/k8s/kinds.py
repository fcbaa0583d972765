"""Kubernetes built-in kinds. A document of a built-in kind that no rule reads is only syntax-checked.

Custom resources are always built: they are small, and an operator's custom resource can explain a Service
whose selector matches no pod template in the manifests (its operator makes the pods).
"""

from __future__ import annotations

from svclint.core.model import FieldPath

# The kinds that make pods, and where each keeps its pod template.
POD_TEMPLATE_PATHS: dict[str, FieldPath] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Rollout": ("spec", "template"),  # Argo Rollouts: a Deployment with progressive delivery
    "DeploymentConfig": ("spec", "template"),  # OpenShift
}
WORKLOAD_KINDS = frozenset(POD_TEMPLATE_PATHS)

BUILTIN_KINDS = frozenset(
    {
        # core/v1
        "Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node",
        "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController",
        "ResourceQuota", "Secret", "Service", "ServiceAccount",
        # apps, batch, autoscaling, policy
        "ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "CronJob", "Job",
        "HorizontalPodAutoscaler", "PodDisruptionBudget", "PodSecurityPolicy",
        # networking, discovery
        "Ingress", "IngressClass", "NetworkPolicy", "ServiceCIDR", "IPAddress", "EndpointSlice",
        # rbac, storage, scheduling, coordination, node
        "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "CSIDriver", "CSINode",
        "CSIStorageCapacity", "StorageClass", "VolumeAttachment", "VolumeAttributesClass", "PriorityClass",
        "Lease", "RuntimeClass",
        # admission, extension, certificates, flow control, dynamic resources
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
        "CustomResourceDefinition", "APIService", "CertificateSigningRequest", "ClusterTrustBundle",
        "FlowSchema", "PriorityLevelConfiguration", "ResourceClaim", "ResourceClaimTemplate", "DeviceClass",
        "ResourceSlice", "StorageVersionMigration",
    }
)  # fmt: skip

# What the inventory reads: workloads (pod templates), Services, Ingresses, autoscalers, firewall resources,
# for the path model NetworkPolicies, Namespaces (their labels) and hand-written endpoints, and RBAC roles and
# bindings (which service accounts run Ingress or Gateway controllers).
INVENTORY_KINDS = frozenset(
    {
        *WORKLOAD_KINDS, "Service", "Ingress", "HorizontalPodAutoscaler", "ComputeFirewall", "NetworkPolicy",
        "EndpointSlice", "Endpoints", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "Namespace",
    }
)  # fmt: skip
