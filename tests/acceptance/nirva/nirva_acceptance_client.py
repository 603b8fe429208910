"""A black-box Nirva IHM client, written from the provider's documents: what an integration would do.

Every call goes over HTTP to the `/nirva` mount; time moves only through the virtual clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

START = "2030-03-04T09:00:00Z"

PARIS = ["Jean Dupont", "12 rue de la Paix", "75002 PARIS"]
BRUSSELS = ["Marie Peeters", "Rue Neuve 1", "1000 BRUXELLES", "BELGIQUE"]
LYON = ["Paul Martin", "5 place Bellecour", "69002 LYON"]
# A line over 38 characters fails the postal address requirement (NF Z10-011).
TOO_LONG = [
    "Madame Genevieve de la Tour-Montparnasse-Saint-Germain",
    "3 avenue Foch",
    "75016 PARIS",
]


def letters(*addresses: list[str], pages_each: int = 1) -> bytes:
    """One PDF holding one letter per address, each `pages_each` pages long, marked `Page i/N`."""
    pages: list[list[str]] = []
    for address in addresses:
        for number in range(1, pages_each + 1):
            head = address if number == 1 else []
            pages.append([*head, f"Page {number}/{pages_each}", "Dear customer, here is your invoice."])
    return make_pdf(pages)


def assert_error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The documented error envelope: JSON `{"error", "message"}` with the given status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert {"error", "message"} <= set(body), body
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in response.text
    return body


class Nirva:
    """One signed-in IHM user, as an integration holds it: the token and the parsed profile."""

    def __init__(self, mock: Mockpost) -> None:
        self.mock = mock
        self.http = mock.client("nirva")
        self.token: str | None = None
        self.profile: dict[str, Any] = {}

    # -- authentication -----------------------------------------------------------------
    def authenticate(self, login: str = "demo", password: str = "demo") -> Nirva:
        response = self.http.post(
            "/authentication/authenticate",
            json={"login": login, "password": password, "withProfileDetail": True},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        self.token = body["token"]
        self.profile = body["profile"]
        return self

    @property
    def headers(self) -> dict[str, str]:
        assert self.token, "authenticate first"
        return {"X-Auth-Token": self.token}

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    # -- the profile: services and their MAIN boxes -------------------------------------------
    def service(self, channel: str) -> dict[str, Any]:
        """The first service whose MAIN box goes to `channel` (MAIL, REGISTERED_MAIL, EMAIL, ...)."""
        for service in self.profile["services"]:
            if any(b["type"] == "MAIN" and b["channel"] == channel for b in service["boxes"]):
                return service
        raise AssertionError(f"no service with a MAIN {channel} box in {self.profile['services']}")

    @staticmethod
    def main_box(service: dict[str, Any]) -> dict[str, Any]:
        return next(b for b in service["boxes"] if b["type"] == "MAIN")

    # -- jobs -----------------------------------------------------------------------------
    def send(
        self,
        parts: Iterable[tuple[str, bytes]],
        parameters: dict[str, Any] | str,
        filename: str = "letters.pdf",
    ) -> httpx.Response:
        """POST /jobs as multipart: the file parts and the `parameters` JSON part."""
        text = parameters if isinstance(parameters, str) else json.dumps(parameters)
        files = [(name, (filename, content, "application/pdf")) for name, content in parts]
        return self.post("/jobs", files=files, data={"parameters": text})

    def send_letter(self, **parameters: Any) -> httpx.Response:
        """One Paris letter into the MAIN box of the mail service, with these JobCreationParameter
        fields (serviceId defaults to that service)."""
        service = self.service("MAIL")
        part = f"file__file_{self.main_box(service)['name']}_0"
        return self.send([(part, letters(PARIS))], {"serviceId": service["id"], **parameters})

    def create_job(
        self, pdf: bytes, channel: str = "MAIL", autocreate: bool = True, **extra: Any
    ) -> dict[str, Any]:
        """A job with one file in the MAIN box of the first service for `channel`, the simple-mode way."""
        service = self.service(channel)
        box = self.main_box(service)
        parameters = {
            "autocreateDeliveryCommand": autocreate,
            "jobName": "my job name",
            "serviceId": service["id"],
            **extra,
        }
        response = self.send([(f"file__file_{box['name']}_0", pdf)], parameters)
        # ambiguous: 200 or 201 for a created job is not documented; docs/nirva.md pins 200
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        return job

    @staticmethod
    def job_id(job: dict[str, Any]) -> Any:
        return job.get("jobId", job.get("id"))

    def job(self, job_id: Any) -> dict[str, Any]:
        response = self.get(f"/jobs/{job_id}")
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def pack_groups(self, job_id: Any) -> list[dict[str, Any]]:
        response = self.get(f"/jobs/{job_id}/packGroups")
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()
        return result

    def deliveries(self, job_id: Any) -> list[dict[str, Any]]:
        response = self.get("/deliveries", params={"jobId": job_id})
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()
        return result

    def poll(self, read: Callable[[], Any], until: Callable[[Any], bool], step: str, tries: int) -> Any:
        """Read, and move the clock by `step` until `until(value)`: polling as a client would."""
        for _ in range(tries):
            value = read()
            if until(value):
                return value
            self.mock.clock.advance(duration=step)
        raise AssertionError(f"never reached the expected state; last: {value!r}")

    def wait_job(self, job_id: Any, *statuses: str, step: str = "10s", tries: int = 60) -> dict[str, Any]:
        job: dict[str, Any] = self.poll(
            lambda: self.job(job_id), lambda j: j["status"] in statuses, step, tries
        )
        return job

    def wait_outputted(self, job_id: Any, count: int = 1) -> list[dict[str, Any]]:
        """Deliveries of the job once all `count` of them are OUTPUTTED (the output trigger ran)."""
        deliveries: list[dict[str, Any]] = self.poll(
            lambda: self.deliveries(job_id),
            lambda ds: len(ds) == count and all(d["status"] == "OUTPUTTED" for d in ds),
            "5m",
            12 * 26,
        )
        return deliveries

    def status_history(self, job_id: Any, days: int = 7) -> list[Any]:
        """The one shipment's successive status codes, polled every 5 minutes for `days` days."""
        seen: list[Any] = []
        for _ in range(days * 24 * 12):
            (shipment,) = self.shipments(job_id)
            if not seen or seen[-1] != shipment["status"]:
                seen.append(shipment["status"])
            self.mock.clock.advance(duration="5m")
        return seen

    def shipments(self, job_id: Any) -> list[dict[str, Any]]:
        return [s for d in self.deliveries(job_id) for s in d["shipments"]]

    def set_webhook(self, url: str) -> None:
        response = self.mock.client().put("/_mockpost/nirva/webhook", json={"url": url}, headers=self.headers)
        assert response.status_code == 200, response.text


def metadata(shipment: dict[str, Any], kind: str, kind_type: str, name: str) -> list[dict[str, Any]]:
    """The shipment's metadata entries with this `metadataKind`, `metadataType` and `name`."""
    return [
        m
        for m in shipment["metadata"]
        if (m["metadataKind"], m["metadataType"], m["name"]) == (kind, kind_type, name)
    ]
