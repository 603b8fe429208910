"""One request to an Afosto endpoint and its answer, as the backend sees them (no HTTP in either).

Afosto's request and answer shapes come from one source, the catalog compiled from the reference:
`validation.py` checks a body against the endpoint's documented request example, and `shapes.py`
brings every answer to its documented example. So there are no hand-written pydantic models of
Afosto's 544 bodies here, only the two carriers between the routes and the backend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockpost.providers.afosto.catalog import Operation

if TYPE_CHECKING:
    from mockpost.providers.afosto.state import TenantState


@dataclass
class Call:
    op: Operation
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: Any
    raw: bytes = b""
    token: str = ""  # the caller's bearer token (token flows act on it)


@dataclass
class Answer:
    """What the backend answers, independent of HTTP: a status, a JSON body (or bytes), headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"

    @property
    def binary(self) -> bool:
        return isinstance(self.body, bytes)


Handler = Callable[["TenantState", Call], Answer]
