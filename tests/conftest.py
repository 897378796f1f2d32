"""Shared test setup. Tests never reach a real model or the network (STYLE habits 7 and 8)."""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

import pytest

# Before anything can import litellm: otherwise its import downloads a price list.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

DUMMY_KEYS = {
    "OPENAI_API_KEY": "sk-test-dummy",
    "ANTHROPIC_API_KEY": "sk-ant-test-dummy",
}


def _is_loopback(host: object) -> bool:
    if host in (None, "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_live_model_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy keys, no telemetry, and no connection or DNS lookup beyond this machine."""
    for name, value in DUMMY_KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")

    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise RuntimeError(f"Tests may not connect to {address[0]}: use recorded responses.")
        real_connect(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host):
            raise RuntimeError(f"Tests may not look up {host}: use recorded responses.")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
