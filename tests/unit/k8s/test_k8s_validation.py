"""Kubernetes value formats, case by case, against what the API server accepts and refuses."""

from __future__ import annotations

import pytest

from svclint.k8s import validation as v


@pytest.mark.parametrize("name", ["web", "a", "web-api", "a1", "x" * 63])
def test_dns1035_accepts(name: str) -> None:
    assert v.dns1035_label(name) == []


@pytest.mark.parametrize("name", ["1st-svc", "web.api", "My_Svc", "web-", "-web", "x" * 64, ""])
def test_dns1035_refuses(name: str) -> None:
    assert v.dns1035_label(name)


@pytest.mark.parametrize("name", ["123-abc", "http", "h2"])
def test_dns1123_label_accepts_leading_digits(name: str) -> None:
    assert v.dns1123_label(name) == []


@pytest.mark.parametrize("name", ["db.example.com", "a", "1.2.3.4", "a-b.c-d"])
def test_subdomain_accepts(name: str) -> None:
    assert v.dns1123_subdomain(name) == []


@pytest.mark.parametrize("name", ["https://db", "db:5432", "Db.example.com", "a..b", "a_b", "x" * 254])
def test_subdomain_refuses(name: str) -> None:
    assert v.dns1123_subdomain(name)


@pytest.mark.parametrize("name", ["app", "example.com/app", "app.kubernetes.io/name", "A_b.c-D", "kubernetes.io/h2c"])
def test_qualified_name_accepts(name: str) -> None:
    assert v.qualified_name(name) == []


@pytest.mark.parametrize("name", ["", "/app", "example.com/", "a/b/c", "my app", "-app", "Example.com/app", "x" * 64])
def test_qualified_name_refuses(name: str) -> None:
    assert v.qualified_name(name)


@pytest.mark.parametrize("value", ["", "web", "v1.2.3", "A_b", "x" * 63])
def test_label_value_accepts(value: str) -> None:
    assert v.label_value(value) == []


@pytest.mark.parametrize("value", ["front end", "-web", "web_", "x" * 64, "a/b"])
def test_label_value_refuses(value: str) -> None:
    assert v.label_value(value)


@pytest.mark.parametrize("name", ["http", "metrics", "h2c", "grpc-web", "a" * 15, "8080x"])
def test_port_name_accepts(name: str) -> None:
    assert v.iana_svc_name(name) == []


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("8080", "at least one letter"),
        ("metrics-endpoint", "no more than 15"),
        ("HTTP", "only lowercase"),
        ("web--port", "consecutive hyphens"),
        ("-web", "begin or end"),
        ("web_port", "only lowercase"),
    ],
)
def test_port_name_refuses_with_the_reason(name: str, fragment: str) -> None:
    assert any(fragment in message for message in v.iana_svc_name(name))


@pytest.mark.parametrize("address", ["10.0.0.1", "2001:db8::1", "::ffff:10.0.0.1", "0.0.0.0"])
def test_ip_accepts(address: str) -> None:
    assert v.ip_address(address) == []


@pytest.mark.parametrize("address", ["10.0.0", "10.0.0.256", "010.0.0.1", "fe80::1%eth0", "host", "10.0.0.0/8", ""])
def test_ip_refuses(address: str) -> None:
    assert v.ip_address(address)


def test_leading_zeros_are_explained() -> None:
    assert "leading zeros" in v.ip_address("010.0.0.1")[0]


@pytest.mark.parametrize("value", ["10.0.0.0/8", "10.0.0.1/24", "2001:db8::/32", "0.0.0.0/0", "203.0.113.7/32"])
def test_cidr_accepts(value: str) -> None:
    assert v.cidr(value) == []


@pytest.mark.parametrize("value", ["203.0.113.7", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "2001:db8::/129", "a/8"])
def test_cidr_refuses(value: str) -> None:
    assert v.cidr(value)


@pytest.mark.parametrize(
    ("address", "fragment"),
    [
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("127.0.0.5", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local range"),
        ("fe80::1", "link-local range"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
    ],
)
def test_special_ips(address: str, fragment: str) -> None:
    assert any(fragment in message for message in v.special_ip(address))


@pytest.mark.parametrize("address", ["203.0.113.10", "10.0.0.1", "224.0.1.1", "2001:db8::1"])
def test_ordinary_ips_are_not_special(address: str) -> None:
    assert v.special_ip(address) == []
