"""Firewall rules from where teams keep them, normalised into FirewallRule.

- GCP Config Connector `ComputeFirewall` objects among the manifests (compute.cnrm.cloud.google.com);
- `gcloud compute firewall-rules list --format=json`;
- `aws ec2 describe-security-groups` JSON;
- Terraform JSON (`terraform show -json` of a plan or of the state): `google_compute_firewall`,
  `aws_security_group`, `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`.

Export files are read with svclint's own loader (JSON is YAML), so every rule keeps its line and column, and
become resources of synthetic kinds (`gcloud:firewall`, `aws:security-group-rule`, `terraform:...`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

from msgspec import Struct

from svclint.core.errors import SvclintError
from svclint.core.model import FieldPath
from svclint.firewall.model import ALL_V4, AddressSet, FirewallRule, Permission, PortRange, network_name, parse_ports
from svclint.firewall.settings import ALL, Network, parse_network
from svclint.input.document import Document, Resource
from svclint.input.parsing.loader import LoadOptions, load_bytes

COMPUTE_FIREWALL_GROUP = "compute.cnrm.cloud.google.com/"
GCLOUD_KIND = "gcloud:firewall"
AWS_KIND = "aws:security-group-rule"
TERRAFORM_KINDS = {
    "google_compute_firewall": "terraform:google_compute_firewall",
    "aws_security_group": "terraform:aws_security_group",
    "aws_security_group_rule": "terraform:aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule": "terraform:aws_vpc_security_group_ingress_rule",
}
_PROTOCOL_NUMBERS = {"6": "tcp", "17": "udp", "132": "sctp", "1": "icmp", "-1": ALL}
MAX_EXPORT_BYTES = 64 * 1024 * 1024


class FirewallFileError(SvclintError):
    """A --firewall-rules file that cannot be read or understood (exit 2); says where and what."""


class RuleProblem(Struct, frozen=True):
    resource: Resource
    path: FieldPath
    message: str


def protocol_name(value: Any) -> str:
    text = str(value).strip().lower()
    return _PROTOCOL_NUMBERS.get(text, text)


# --- GCP rules: Config Connector objects, gcloud JSON and Terraform share one shape -------------------------


def gcp_rule(
    resource: Resource,
    entry: dict[str, Any],
    keys: dict[str, str],
    base: FieldPath = (),
) -> FirewallRule:
    """Read a GCP firewall rule whose field names are given by `keys` (Config Connector, gcloud, Terraform)."""
    action, permissions = _gcp_permissions(entry, keys, base)
    direction = str(entry.get(keys["direction"]) or "INGRESS").upper()
    ranges = _strings(entry.get(keys["sourceRanges"]))
    tags = _strings(entry.get(keys["sourceTags"]))
    accounts = [_account(a) for a in _list(entry.get(keys["sourceServiceAccounts"]))]
    networks: list[Network] = [parse_network(r) for r in ranges]
    if not ranges and not tags and not accounts and direction == "INGRESS":
        networks = [ALL_V4]  # GCP: an ingress rule without a source admits 0.0.0.0/0
    priority = entry.get(keys["priority"])
    return FirewallRule(  # fields read one by one, each with GCP's default when absent
        name=str(entry.get(keys["name"]) or resource.name),
        provider="gcp",
        resource=resource,
        path=base,
        action=action,
        direction=direction,
        priority=priority if isinstance(priority, int) and not isinstance(priority, bool) else 1000,
        permissions=tuple(permissions),
        sources=AddressSet.of(networks, [f"tag:{t}" for t in tags] + [f"sa:{a}" for a in accounts]),
        target_tags=frozenset(_strings(entry.get(keys["targetTags"]))),
        target_accounts=frozenset(_account(a) for a in _list(entry.get(keys["targetServiceAccounts"]))),
        disabled=entry.get(keys["disabled"]) is True,
        network=network_name(entry.get(keys["network"])),
        sources_path=(*base, keys["sourceRanges"]) if ranges else base,
    )


CONFIG_CONNECTOR_KEYS = {
    "allow": "allow", "deny": "deny", "protocol": "protocol", "direction": "direction", "priority": "priority",
    "sourceRanges": "sourceRanges", "sourceTags": "sourceTags", "sourceServiceAccounts": "sourceServiceAccounts",
    "targetTags": "targetTags", "targetServiceAccounts": "targetServiceAccounts", "disabled": "disabled",
    "network": "networkRef", "name": "resourceID",
}  # fmt: skip
GCLOUD_KEYS = {
    "allow": "allowed", "deny": "denied", "protocol": "IPProtocol", "direction": "direction", "priority": "priority",
    "sourceRanges": "sourceRanges", "sourceTags": "sourceTags", "sourceServiceAccounts": "sourceServiceAccounts",
    "targetTags": "targetTags", "targetServiceAccounts": "targetServiceAccounts", "disabled": "disabled",
    "network": "network", "name": "name",
}  # fmt: skip
TERRAFORM_GCP_KEYS = {
    "allow": "allow", "deny": "deny", "protocol": "protocol", "direction": "direction", "priority": "priority",
    "sourceRanges": "source_ranges", "sourceTags": "source_tags", "sourceServiceAccounts": "source_service_accounts",
    "targetTags": "target_tags", "targetServiceAccounts": "target_service_accounts", "disabled": "disabled",
    "network": "network", "name": "name",
}  # fmt: skip


def rules_from_compute_firewall(resource: Resource) -> tuple[list[FirewallRule], list[RuleProblem]]:
    if not resource.api_version.startswith(COMPUTE_FIREWALL_GROUP):
        return [], []
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return [], [RuleProblem(resource, ("spec",), "has no spec")]
    try:
        rule = gcp_rule(resource, spec, CONFIG_CONNECTOR_KEYS, ("spec",))
    except ValueError as err:
        return [], [RuleProblem(resource, ("spec",), str(err))]
    if not spec.get("resourceID"):
        rule.name = resource.name
    return [rule], []


# --- AWS security groups: describe-security-groups and Terraform -------------------------------------------


def aws_rule(
    resource: Resource,
    group: str,
    protocol: Any,
    low: Any,
    high: Any,
    cidrs: list[str],
    named: list[str],
    path: FieldPath,
    sources_path: FieldPath,
) -> FirewallRule:
    name = protocol_name(protocol)
    if name == ALL:
        ports = None
    elif isinstance(low, int) and isinstance(high, int) and low >= 0 and high >= low:
        ports = (PortRange(low, high),)
    elif name in ("tcp", "udp", "sctp"):
        raise ValueError(f"port range {low}-{high} is not valid for {name}")
    else:
        ports = None  # icmp types and the like: not node ports
    return FirewallRule(
        name=group,
        provider="aws",
        resource=resource,
        path=path,
        permissions=(Permission(name, ports, path),),
        sources=AddressSet.of([parse_network(c) for c in cidrs], named),
        group=group,
        sources_path=sources_path,
    )


# --- Export files -------------------------------------------------------------------------------------------


def load_export(path: str, raw: bytes) -> tuple[list[Resource], list[FirewallRule]]:
    """Read a firewall export file (shape detected); raises FirewallFileError with the file and the problem."""
    if len(raw) > MAX_EXPORT_BYTES:
        raise FirewallFileError(f"{path}: larger than {MAX_EXPORT_BYTES // (1024 * 1024)} MiB")
    document = _one_json_document(path, raw)
    try:
        found = _read_export(document)
    except ValueError as err:
        raise FirewallFileError(f"{path}: {err}") from None
    if found is not None:
        return found
    raise FirewallFileError(
        f"{path}: not a firewall export svclint knows: expected the JSON of `gcloud compute firewall-rules list "
        "--format=json` (a list of rules with allowed/denied), `aws ec2 describe-security-groups` (SecurityGroups), "
        "or `terraform show -json` (format_version, planned_values or values)"
    )


def _one_json_document(path: str, raw: bytes) -> Document:
    loaded = load_bytes(path, raw, LoadOptions(max_file_bytes=MAX_EXPORT_BYTES, forbid_tags=True, objects=False))
    if loaded.problems or len(loaded.documents) != 1:
        detail = loaded.problems[0] if loaded.problems else None
        where = f":{detail.span.start_line}:{detail.span.start_col}" if detail else ""
        try:
            json.loads(raw)
        except ValueError as err:
            raise FirewallFileError(f"{path}{where}: not valid JSON: {err}") from None
        raise FirewallFileError(f"{path}{where}: {detail.message if detail else 'expected one JSON document'}")
    return loaded.documents[0]


def _read_export(document: Document) -> tuple[list[Resource], list[FirewallRule]] | None:
    """The export's rules, by its shape; None when the shape is none svclint knows."""
    data = document.data
    if isinstance(data, dict):
        if "format_version" in data and ("planned_values" in data or "values" in data):
            return _terraform(document)
        if isinstance(data.get("SecurityGroups"), list):
            return _aws(document, data["SecurityGroups"], ("SecurityGroups",))
    elif isinstance(data, list):
        if data and all(isinstance(e, dict) and "IpPermissions" in e for e in data):
            return _aws(document, data, ())
        if all(isinstance(e, dict) and ("allowed" in e or "denied" in e) for e in data):
            return _gcloud(document, data)
    return None


def _gcp_permissions(entry: dict[str, Any], keys: dict[str, str], base: FieldPath) -> tuple[str, list[Permission]]:
    """The rule's action (the last of allow and deny that has blocks) and its protocols and ports."""
    permissions: list[Permission] = []
    action = "allow"
    for act in ("allow", "deny"):
        blocks = entry.get(keys[act])
        if blocks in (None, []):
            continue
        if not isinstance(blocks, list):
            raise ValueError(f"{keys[act]} must be a list")
        action = act
        for index, block in enumerate(blocks):
            if not isinstance(block, dict):
                raise ValueError(f"{keys[act]}[{index}] must be a mapping")
            protocol = block.get(keys["protocol"])
            if protocol is None:
                raise ValueError(f"{keys[act]}[{index}] has no {keys['protocol']}")
            ports = parse_ports(block.get("ports"))
            permissions.append(Permission(protocol_name(protocol), ports, (*base, keys[act], index)))
    return action, permissions


def _entry_resource(document: Document, prefix: FieldPath, data: dict[str, Any], kind: str, name: str) -> Resource:
    return Resource(document, prefix, data, synthetic_kind=kind, synthetic_name=name)


def _located(document: Document, prefix: FieldPath, build: Any) -> Any:
    """Run `build`, turning a ValueError into one that names the entry's line and column."""
    try:
        return build()
    except ValueError as err:
        span = document.locate(prefix)
        raise ValueError(f"line {span.start_line}, column {span.start_col}: {err}") from None


def _gcloud(document: Document, entries: list[Any]) -> tuple[list[Resource], list[FirewallRule]]:
    resources, rules = [], []
    for index, entry in enumerate(entries):
        name = str(entry.get("name") or f"rule-{index}")
        resource = _entry_resource(document, (index,), entry, GCLOUD_KIND, name)
        resources.append(resource)
        rules.append(_located(document, (index,), partial(gcp_rule, resource, entry, GCLOUD_KEYS)))
    return resources, rules


def _aws(document: Document, groups: list[Any], base: FieldPath) -> tuple[list[Resource], list[FirewallRule]]:
    resources, rules = [], []
    for g_index, group in enumerate(groups):
        if not isinstance(group, dict):
            raise ValueError(f"SecurityGroups[{g_index}] is not a mapping")
        group_id = str(group.get("GroupId") or group.get("GroupName") or f"group-{g_index}")
        for p_index, permission in enumerate(_list(group.get("IpPermissions"))):
            prefix = (*base, g_index, "IpPermissions", p_index)
            if not isinstance(permission, dict):
                raise ValueError(f"{prefix} is not a mapping")
            name = f"{group_id}/{group.get('GroupName', '')}#{p_index}"
            resource = _entry_resource(document, prefix, permission, AWS_KIND, name)
            resources.append(resource)
            rule = _located(document, prefix, partial(_aws_permission, resource, group_id, permission))
            group_name = group.get("GroupName")
            rule.name = f"{group_name} ({group_id})" if isinstance(group_name, str) else group_id
            rule.group_aliases = frozenset(a for a in (group_id, group_name) if isinstance(a, str))
            rules.append(rule)
    return resources, rules


def _aws_permission(resource: Resource, group_id: str, permission: dict[str, Any]) -> FirewallRule:
    cidrs = [r.get("CidrIp") for r in _list(permission.get("IpRanges")) if isinstance(r, dict)]
    cidrs += [r.get("CidrIpv6") for r in _list(permission.get("Ipv6Ranges")) if isinstance(r, dict)]
    named = [f"sg:{p.get('GroupId')}" for p in _list(permission.get("UserIdGroupPairs")) if isinstance(p, dict)]
    named += [f"pl:{p.get('PrefixListId')}" for p in _list(permission.get("PrefixListIds")) if isinstance(p, dict)]
    return aws_rule(
        resource, group_id, permission.get("IpProtocol"), permission.get("FromPort"), permission.get("ToPort"),
        [c for c in cidrs if isinstance(c, str)], named, (), ("IpRanges",),
    )  # fmt: skip


def _terraform(document: Document) -> tuple[list[Resource], list[FirewallRule]]:
    data = document.data
    root_key = "planned_values" if "planned_values" in data else "values"
    resources: list[Resource] = []
    rules: list[FirewallRule] = []
    for prefix, block in _terraform_resources(data.get(root_key), (root_key,)):
        kind = TERRAFORM_KINDS.get(str(block.get("type")))
        values = block.get("values")
        if kind is None or not isinstance(values, dict):
            continue
        address = str(block.get("address") or block.get("name"))
        resource = _entry_resource(document, (*prefix, "values"), values, kind, address)
        resources.append(resource)
        rules.extend(_located(document, prefix, partial(_tf_rules, resource, block["type"], values)))
    return resources, rules


def _terraform_resources(module: Any, path: FieldPath) -> Iterator[tuple[FieldPath, dict[str, Any]]]:
    if not isinstance(module, dict):
        return
    root = module.get("root_module", module)
    base = (*path, "root_module") if "root_module" in module else path
    for index, block in enumerate(_list(root.get("resources"))):
        if isinstance(block, dict):
            yield (*base, "resources", index), block
    for index, child in enumerate(_list(root.get("child_modules"))):
        yield from _terraform_resources(child, (*base, "child_modules", index))


def _tf_rules(resource: Resource, kind: str, values: dict[str, Any]) -> list[FirewallRule]:
    if kind == "google_compute_firewall":
        return [gcp_rule(resource, values, TERRAFORM_GCP_KEYS)]
    if kind == "aws_security_group":
        return _tf_security_group(resource, values)
    if kind == "aws_security_group_rule":
        return _tf_security_group_rule(resource, values)
    return _tf_ingress_rule(resource, values)


def _tf_security_group(resource: Resource, values: dict[str, Any]) -> list[FirewallRule]:
    """aws_security_group: one rule per inline ingress block."""
    group = str(values.get("id") or values.get("name") or resource.name)
    aliases = frozenset(str(v) for v in (values.get("id"), values.get("name")) if v)
    out = []
    for index, block in enumerate(_list(values.get("ingress"))):
        if not isinstance(block, dict):
            continue
        cidrs = _strings(block.get("cidr_blocks")) + _strings(block.get("ipv6_cidr_blocks"))
        named = [f"sg:{g}" for g in _strings(block.get("security_groups"))]
        named += [f"pl:{p}" for p in _strings(block.get("prefix_list_ids"))]
        rule = aws_rule(
            resource, group, block.get("protocol"), block.get("from_port"), block.get("to_port"),
            cidrs, named, ("ingress", index), ("ingress", index, "cidr_blocks"),
        )  # fmt: skip
        rule.group_aliases = aliases
        out.append(rule)
    return out


def _tf_security_group_rule(resource: Resource, values: dict[str, Any]) -> list[FirewallRule]:
    if values.get("type") != "ingress":
        return []
    cidrs = _strings(values.get("cidr_blocks")) + _strings(values.get("ipv6_cidr_blocks"))
    named = [f"sg:{values['source_security_group_id']}"] if values.get("source_security_group_id") else []
    group = str(values.get("security_group_id") or resource.name)
    return [
        aws_rule(
            resource, group, values.get("protocol"), values.get("from_port"), values.get("to_port"),
            cidrs, named, (), ("cidr_blocks",),
        )
    ]  # fmt: skip


def _tf_ingress_rule(resource: Resource, values: dict[str, Any]) -> list[FirewallRule]:
    """aws_vpc_security_group_ingress_rule."""
    cidrs = [c for c in (values.get("cidr_ipv4"), values.get("cidr_ipv6")) if isinstance(c, str)]
    named = [f"sg:{values['referenced_security_group_id']}"] if values.get("referenced_security_group_id") else []
    named += [f"pl:{values['prefix_list_id']}"] if values.get("prefix_list_id") else []
    group = str(values.get("security_group_id") or resource.name)
    return [
        aws_rule(
            resource, group, values.get("ip_protocol"), values.get("from_port"), values.get("to_port"),
            cidrs, named, (), ("cidr_ipv4",),
        )
    ]  # fmt: skip


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [str(v) for v in _list(value) if isinstance(v, (str, int)) and not isinstance(v, bool)]


def _account(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("external") or value.get("name") or "")
    return str(value)
