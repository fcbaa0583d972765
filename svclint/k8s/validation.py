"""Kubernetes' value formats (k8s.io/apimachinery/pkg/util/validation), as functions returning error messages.

Each function returns the list of problems with a value, empty when it is valid, worded after the API server's
own messages so that a user who knows those recognises them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_PORT_NAME_CHARS = re.compile(r"[-a-z0-9]+")
_HAS_LETTER = re.compile(r"[a-z]")


def dns1123_label(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _DNS1123_LABEL.fullmatch(value):
        errors.append(
            "must be a lowercase RFC 1123 label: lowercase letters, digits and '-', starting and ending with a "
            "letter or digit (e.g. 'my-name' or '123-abc')"
        )
    return errors


def dns1035_label(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _DNS1035_LABEL.fullmatch(value):
        errors.append(
            "must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a "
            "letter or digit (e.g. 'my-name' or 'abc-123')"
        )
    return errors


def dns1123_subdomain(value: str) -> list[str]:
    errors = []
    if len(value) > 253:
        errors.append("must be no more than 253 characters")
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        errors.append(
            "must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', each dot-separated "
            "part starting and ending with a letter or digit (e.g. 'example.com')"
        )
    return errors


def qualified_name(value: str) -> list[str]:
    """An optional DNS-subdomain prefix and '/', then a name of up to 63 characters (label keys, appProtocol)."""
    parts = value.split("/")
    if len(parts) > 2:
        return [
            "must be a qualified name: an optional DNS subdomain prefix and '/', then a name "
            "(e.g. 'example.com/my-name')"
        ]
    errors = []
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errors.append("the prefix part must be non-empty")
        else:
            errors.extend(f"the prefix part {message}" for message in dns1123_subdomain(prefix))
    if not name:
        errors.append("the name part must be non-empty")
    else:
        if len(name) > 63:
            errors.append("the name part must be no more than 63 characters")
        if not _QUALIFIED_NAME.fullmatch(name):
            errors.append(
                "the name part must consist of letters, digits, '-', '_' or '.', and start and end with a letter "
                "or digit (e.g. 'MyName', 'my.name' or '123-abc')"
            )
    return errors


def label_value(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _LABEL_VALUE.fullmatch(value):
        errors.append(
            "must be empty or consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit "
            "(e.g. 'MyValue', 'my_value' or '12345')"
        )
    return errors


def iana_svc_name(value: str) -> list[str]:
    """A port name (IANA_SVC_NAME): what a string targetPort and a containerPort name must be."""
    errors = []
    if len(value) > 15:
        errors.append("must be no more than 15 characters")
    if not _PORT_NAME_CHARS.fullmatch(value):
        errors.append("must contain only lowercase letters, digits and '-'")
    if not _HAS_LETTER.search(value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def ip_address(value: str) -> list[str]:
    try:
        _parse_ip(value)
    except ValueError as err:
        return [str(err)]
    return []


def cidr(value: str) -> list[str]:
    try:
        _parse_cidr(value)
    except ValueError as err:
        return [str(err)]
    return []


def ipv4_address(value: str) -> list[str]:
    errors = ip_address(value)
    if not errors and _parse_ip(value).version != 4:
        errors.append("must be an IPv4 address")
    return errors


def special_ip(value: str) -> list[str]:
    """ValidateNonSpecialIP: addresses a Service may not claim as external IPs."""
    try:
        address = _parse_ip(value)
    except ValueError:
        return []
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    problems = []
    if address.is_unspecified:
        problems.append(f"may not be unspecified ({value})")
    if address.is_loopback:
        problems.append("may not be in the loopback range (127.0.0.0/8, ::1/128)")
    if address.is_link_local:
        problems.append("may not be in the link-local range (169.254.0.0/16, fe80::/10)")
    if _link_local_multicast(address):
        problems.append("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
    return problems


def _link_local_multicast(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv4Address):
        return address in ipaddress.IPv4Network("224.0.0.0/24")
    packed = address.packed
    return packed[0] == 0xFF and packed[1] & 0x0F == 0x02


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if "%" in value:
        raise ValueError("must be a valid IP address without a zone (e.g. 10.9.8.7 or 2001:db8::ffff)")
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", value) and _sloppy_ipv4(value):
            raise ValueError(
                "must not have leading zeros in an IPv4 address (ambiguous octal; rejected by API servers with "
                "strict IP validation)"
            ) from None
        raise ValueError("must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)") from None


def _sloppy_ipv4(value: str) -> bool:
    return all(0 <= int(part) <= 255 for part in value.split("."))


def _parse_cidr(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    example = "must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)"
    if "/" not in value:
        raise ValueError(example)
    address, _, prefix = value.partition("/")
    if not prefix.isdigit():
        raise ValueError(example)
    try:
        _parse_ip(address)
        return ipaddress.ip_network(value, strict=False)
    except ValueError as err:
        message = str(err)
        raise ValueError(message if "leading zeros" in message else example) from None


def parse_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The network of a valid CIDR, or None."""
    try:
        return _parse_cidr(value.strip())
    except ValueError:
        return None


def parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return _parse_ip(value)
    except ValueError:
        return None


FORMATS: dict[str, Callable[[str], list[str]]] = {
    "dns1123-label": dns1123_label,
    "dns1035-label": dns1035_label,
    "dns1123-subdomain": dns1123_subdomain,
    "qualified-name": qualified_name,
    "label-value": label_value,
    "iana-svc-name": iana_svc_name,
    "ip": ip_address,
    "ipv4": ipv4_address,
    "cidr": cidr,
    "non-special-ip": special_ip,
}
