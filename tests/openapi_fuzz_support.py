"""Property-based fuzzing of mockpost's six OpenAPI documents with schemathesis, in-process.

Each document is read from a sandbox that serves it with a realistic world loaded (the repository's
demo fixtures, a few real requests). For every operation the document lists, schemathesis turns
the operation into a Hypothesis strategy of requests (`APIOperation.as_strategy`: valid and invalid
data, the document's own examples, and ids of real objects for path parameters about half the
time); `requests` serializes each one and an adapter hands it to the in-process sandbox (no socket;
the sandbox's own event loop; due work applied around every call, as the `mockpost` fixture does).
A run repeats itself exactly: a fixed seed per operation, derandomized generation, no example
database, a bounded number of examples.

The property: every answer is below 500 and is what the document says — a documented status, the
documented content type, a body matching the documented schema, the documented headers.
"""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import requests
import requests.adapters
import schemathesis
import urllib3
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.schemas import OpenApiSchema

from mockpost.testing import Mockpost

SEED = 20300304
START = "2030-03-04T09:00:00Z"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# "no 5xx" and "conforms to the documented responses"; the checks that judge how strict a
# validation is (negative_data_rejection, positive_data_acceptance ...) are not this property.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
# how often a path parameter with known ids takes one of them rather than a generated value
KNOWN_ID_PROBABILITY = 0.5
# MOCKPOST_FUZZ_SCALE=10 runs ten times the examples of every operation (a deeper run by hand)
SCALE = float(os.environ.get("MOCKPOST_FUZZ_SCALE") or 1)


def operations(mount: str, *, exclude: Iterable[str] = ()) -> list[str]:
    """Every operation of a mount's document, as "METHOD /path" (for test ids, at collection)."""
    with Mockpost(seed=SEED) as mock:
        document = mock.client().get(f"{mount}/openapi.json").json()
    skipped = set(exclude)
    labels = [f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops]
    return [label for label in labels if label not in skipped]


class InProcessAdapter(requests.adapters.HTTPAdapter):
    """Hands a request, exactly as `requests` serialized it, to the in-process sandbox."""

    def __init__(self, mock: Mockpost) -> None:
        super().__init__()
        self.client = mock.client()

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        body = request.body.encode() if isinstance(request.body, str) else request.body
        # header values travel as latin-1 octets, as they would on a socket
        headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in request.headers.items()
        ]
        answer = self.client.request(
            str(request.method), str(request.url), headers=headers, content=body or b""
        )
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(answer.content),
            headers=list(answer.headers.multi_items()),
            status=answer.status_code,
            reason=answer.reason_phrase,
            version=11,
            preload_content=False,
        )
        return self.build_response(request, raw)


@contextmanager
def fuzz_sandbox(*fixture_files: str) -> Iterator[Mockpost]:
    """An in-process sandbox on a frozen clock with the repository's demo data loaded. Webhooks
    to receivers outside the process (the URLs schemathesis makes up) are answered 204 without
    being sent, so the run opens no socket; those addressed to the sandbox's inboxes arrive."""
    files = [str(FIXTURES / name) for name in fixture_files]
    with Mockpost(seed=SEED, freeze_at=START, fixtures=files) as mock:
        sandbox = mock.sandbox
        send = sandbox.outbox.sender

        async def in_process_only(url: str, body: bytes, headers: dict[str, str]) -> int:
            if sandbox.addressed_to_self(url):
                return await send(url, body, headers)
            return 204

        sandbox.outbox.sender = in_process_only
        yield mock


@contextmanager
def session_per_case(
    provider: str, open_session: Callable[[httpx.Client], Mapping[str, str]], *fixture_files: str
) -> Iterator[FuzzTarget]:
    """For the operations that end the session they are sent with (a logout, a token revoked):
    every case is sent with a session opened for it alone, `open_session(the provider's client)`."""
    with fuzz_sandbox(*fixture_files) as mock:
        client = mock.client(provider)
        yield FuzzTarget(
            mock, mock.sandbox.providers[provider].mount, headers=lambda case: open_session(client)
        )


def known(values: Iterable[Any]) -> list[str]:
    """Distinct ids in a stable order, for a dictionary of known ids."""
    return sorted({str(value) for value in values if value not in (None, "")})


Headers = Mapping[str, str] | Callable[[schemathesis.Case], Mapping[str, str]]


@dataclass
class FuzzTarget:
    """One document to fuzz: the sandbox that serves it, its mount, the credentials every request
    carries (fixed, or chosen per case), the known ids of real objects per path parameter name, and
    what to undo after each case (e.g. a latency fault the case added)."""

    mock: Mockpost
    mount: str
    headers: Headers = field(default_factory=dict)
    ids: dict[str, list[str]] = field(default_factory=dict)
    after_case: Callable[[], None] | None = None

    @cached_property
    def session(self) -> requests.Session:
        session = requests.Session()
        session.mount("http://", InProcessAdapter(self.mock))
        return session

    @cached_property
    def schema(self) -> OpenApiSchema:
        document = self.mock.client().get(f"{self.mount}/openapi.json")
        assert document.status_code == 200, document.text
        ids = {name: values for name, values in self.ids.items() if values}
        config = schemathesis.Config.from_dict(
            {
                "seed": SEED,
                "base-url": self.mock.url(self.mount),
                "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
                "dictionaries": {name: {"values": values} for name, values in ids.items()},
                "parameters": {
                    f"path.{name}": {"dictionary": name, "probability": KNOWN_ID_PROBABILITY} for name in ids
                },
            }
        )
        return schemathesis.openapi.from_dict(document.json(), config=config)

    def fuzz(self, label: str, max_examples: int) -> None:
        """Up to `max_examples` generated requests for one operation ("METHOD /path"), each checked."""
        method, path = label.split(" ", 1)
        operation = self.schema[path][method]
        cases = st.one_of(
            *operation.get_strategies_from_examples(),
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @hypothesis.seed(zlib.crc32(f"{SEED} {label}".encode()))  # the same requests on every run
        @hypothesis.settings(
            max_examples=max(1, round(max_examples * SCALE)),
            derandomize=True,
            database=None,
            deadline=None,
            print_blob=False,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=cases)
        def answers_as_documented(case: schemathesis.Case) -> None:
            self.check(case)

        answers_as_documented()

    def check(self, case: schemathesis.Case) -> None:
        """Send the case with the target's credentials and check the answer against the document."""
        headers = self.headers(case) if callable(self.headers) else self.headers
        try:
            case.call_and_validate(session=self.session, headers=dict(headers))
        finally:
            if self.after_case is not None:
                self.after_case()
