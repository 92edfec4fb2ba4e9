"""The compose profile of two serving replicas behind a proxy, read as Docker would (no Docker engine here): the
replicas serve and never build, only the proxy is reachable, the proxy sends every request to the replicas with the
client's address, and the replicas believe that address from the proxy alone."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def _nginx(compose: dict) -> str:
    # Compose interpolates the file: "$$" is a literal "$" in what the container gets.
    return compose["configs"]["nginx"]["content"].replace("$$", "$")


def test_the_replicas_profile_has_two_serving_replicas_behind_the_proxy() -> None:
    compose = _compose()
    services = compose["services"]
    replica, proxy = services["replica"], services["proxy"]
    assert replica["profiles"] == proxy["profiles"] == ["replicas"]
    assert "profiles" not in services["app"] and "profiles" not in services["postgis"]  # `docker compose up` as before
    assert replica["deploy"]["replicas"] == 2
    assert replica["build"] == "." and replica["command"] == ["semap", "serve"]  # serve only: the app builds
    assert replica["depends_on"]["postgis"]["condition"] == "service_healthy"
    assert replica["environment"]["SEMAP_DATABASE_URL"] == services["app"]["environment"]["SEMAP_DATABASE_URL"]
    assert "ports" not in replica  # reached through the proxy only
    assert proxy["image"].startswith("nginx:") and "replica" in proxy["depends_on"]
    assert proxy["ports"] == ["8080:8080"]
    config = proxy["configs"][0]
    assert config["source"] in compose["configs"] and config["target"].startswith("/etc/nginx/conf.d/")


def test_the_proxy_balances_over_the_replicas_and_forwards_the_client() -> None:
    compose = _compose()
    nginx = _nginx(compose)
    assert nginx.count("{") == nginx.count("}")
    upstream = re.search(r"upstream (\w+) \{(.*?)\}", nginx, re.S)
    assert upstream and re.search(r"server replica:8000;", upstream.group(2))
    assert f"proxy_pass http://{upstream.group(1)};" in nginx
    assert re.search(r"listen 8080;", nginx)
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx  # replaced, not appended
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert re.search(r"proxy_cache_path \S+ .*keys_zone=semap:", nginx) and "proxy_cache semap;" in nginx


def test_the_replicas_believe_forwarded_addresses_from_the_proxy_alone() -> None:
    from semap.settings import ApiSettings

    compose = _compose()
    services = compose["services"]
    proxy_address = services["proxy"]["networks"]["front"]["ipv4_address"]
    subnet = compose["networks"]["front"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)
    trusted = services["replica"]["environment"]["SEMAP_TRUSTED_PROXIES"]
    assert ApiSettings(trusted_proxies=trusted).forwarding() == {
        "proxy_headers": True,
        "forwarded_allow_ips": [proxy_address],
    }
    assert "front" in services["replica"]["networks"]
