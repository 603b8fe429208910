"""One request to an Afosto endpoint, as the engine and the hand-modelled handlers see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockpost.providers.afosto.catalog import Operation
from mockpost.providers.afosto.state import Answer, TenantState


@dataclass
class Call:
    op: Operation
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: Any
    raw: bytes = b""
    token: str = ""  # the caller's bearer token (token flows act on it)


Handler = Callable[[TenantState, Call], Answer]
