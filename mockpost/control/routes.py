"""HTTP <-> sandbox for the control plane. Same operations as the in-process handle."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockpost import __version__, inventory
from mockpost.control.guard import SECURITY_SCHEMES
from mockpost.control.page_images import DEFAULT_SCALE, MAX_PAGES, PDF_MIME, PageImages, Unrenderable
from mockpost.control.stream import EventHub, EventStreamResponse
from mockpost.core.api import (
    Deferred,
    DeferredModels,
    Endpoint,
    LazyMount,
    Param,
    build_routes,
    openapi_document,
)
from mockpost.core.clip import clip
from mockpost.core.clock import ClockRangeError, parse_duration, parse_instant, reachable
from mockpost.core.control import ControlError, validate_body
from mockpost.core.faults import FaultRule, FaultSpec
from mockpost.core.har import har_log
from mockpost.core.http import JSON, ApiError, BadJSON, BodyTooLarge, read_body, read_json
from mockpost.core.inbox import INBOX_BODY_LIMIT
from mockpost.core.lifecycle import TransitionRefused, UnknownResource, UnknownState
from mockpost.core.middleware import TENANT_KEY
from mockpost.core.numbers import parse_int
from mockpost.core.secrets import mask_credential, mask_headers
from mockpost.sandbox import Sandbox

UNAUTHORIZED_DOC = "Control token missing or wrong (a server with --control-token)"

# the control plane's pydantic models take ~15 ms to build: imported on first use, not at start-up
models = DeferredModels("mockpost.control.models")


def query_int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    number = parse_int(raw, signed=True)
    if number is None:
        raise ControlError(400, f"query parameter {name!r} must be an integer, got {raw!r}")
    return number


# generic routes that take the credentials of the provider their path names (the *tenant* routes)
TENANT_ROUTES = {("GET", "/state/{provider}"), ("POST", "/{provider}/transition")}


def with_refusals(endpoint: Endpoint, refusals: Iterable[dict[int, tuple[str, Any]]]) -> Endpoint:
    """A tenant route also answers a provider's refusal of its credentials, in the provider's own
    envelope: the statuses it refuses with, and its body next to the control plane's."""
    errors = dict(endpoint.errors)
    for refusal in refusals:
        for status, (text, schema) in refusal.items():
            known = errors.get(status)
            if known is None:
                errors[status] = (text, schema)
                continue
            known_text, known_schema = known if isinstance(known, tuple) else (known, models.ControlError)
            schemas = known_schema if isinstance(known_schema, tuple) else (known_schema,)
            errors[status] = (
                known_text if text in known_text else f"{known_text}; {text}",
                schemas if schema in schemas else (*schemas, schema),
            )
    return replace(endpoint, errors=errors)


def with_body_errors(endpoint: Endpoint) -> Endpoint:
    """An endpoint taking a JSON body answers 400 when it is not JSON and 422 when it does not
    validate (control routes parse with read_json and validate_body): its table says so."""
    if endpoint.body is None or endpoint.content_type != "application/json":
        return endpoint
    return replace(
        endpoint, errors={400: "The body is not valid JSON", 422: "Invalid request body", **endpoint.errors}
    )


def query_flag(request: Request, name: str) -> bool:
    raw = (request.query_params.get(name) or "false").lower()
    if raw not in ("true", "false", "1", "0"):
        raise ControlError(400, f"query parameter {name!r} must be true or false, got {raw!r}")
    return raw in ("true", "1")


class ControlPlane:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.max_body = sandbox.settings.max_body_bytes
        self.hub = EventHub(sandbox.events)
        self.page_images = PageImages()

    async def parse(self, request: Request, model: type[BaseModel] | Deferred) -> Any:
        loaded = model.load() if isinstance(model, Deferred) else model
        return validate_body(loaded, await read_json(request, self.max_body))

    # -- health, clock ------------------------------------------------------------
    async def health(self, request: Request) -> Response:
        return JSON({"status": "ok", "version": __version__})

    async def version(self, request: Request) -> Response:
        return JSON({"version": __version__})

    async def clock(self, request: Request) -> Response:
        return JSON(self.sandbox.describe_clock())

    async def freeze(self, request: Request) -> Response:
        body = await self.parse(request, models.FreezeRequest)
        await self.sandbox.freeze(self._instant(body.at) if body.at else None)
        return JSON(self.sandbox.describe_clock())

    async def unfreeze(self, request: Request) -> Response:
        self.sandbox.unfreeze()
        return JSON(self.sandbox.describe_clock())

    async def set_clock(self, request: Request) -> Response:
        body = await self.parse(request, models.SetClockRequest)
        await self.sandbox.set_clock(self._instant(body.at))
        return JSON(self.sandbox.describe_clock())

    async def advance(self, request: Request) -> Response:
        body = await self.parse(request, models.AdvanceRequest)
        try:
            seconds = (
                body.seconds if body.seconds is not None else parse_duration(body.duration).total_seconds()
            )
        except ValueError as exc:
            raise ControlError(422, str(exc)) from None
        try:
            await self.sandbox.advance(seconds)
        except ClockRangeError as exc:
            raise ControlError(422, str(exc)) from None
        return JSON(self.sandbox.describe_clock())

    @staticmethod
    def _instant(text: str) -> Any:
        try:
            instant = parse_instant(text)
        except ValueError as exc:
            raise ControlError(422, f"{text!r} is not a usable ISO-8601 instant: {exc}") from None
        try:
            return reachable(instant)
        except ClockRangeError as exc:
            raise ControlError(422, str(exc)) from None

    # -- reset --------------------------------------------------------------------
    async def reset(self, request: Request) -> Response:
        provider = request.query_params.get("provider") or None
        tenant = request.query_params.get("tenant") or None
        if provider is not None and provider not in self.sandbox.providers:
            raise ControlError(404, f"unknown provider {provider!r}", sorted(self.sandbox.providers))
        self.sandbox.reset(provider, tenant)
        return JSON({"reset": provider or "all", "clock": self.sandbox.describe_clock()})

    # -- journal ------------------------------------------------------------------
    async def journal(self, request: Request) -> Response:
        """Credential headers are masked (`api-key ab…yz`) unless `?secrets=show` is asked of a server
        with a control token: without one, anyone who reaches the port could collect every key."""
        q = request.query_params
        reveal = self._reveal(request)
        entries = self.sandbox.journal.query(
            provider=q.get("provider") or None,
            method=q.get("method") or None,
            path=q.get("path") or None,
            status=query_int(request, "status"),
            tenant=self._tenant(q.get("tenant") or None, q.get("provider") or None),
        )
        before = query_int(request, "before")
        if before is not None:
            entries = [entry for entry in entries if entry.id < before]
        total = len(entries)
        limit = query_int(request, "limit")
        if limit is not None and limit >= 0:
            entries = entries[-limit:] if limit else []
        shape = q.get("format") or "json"
        if shape == "har":
            return JSON(har_log(entries, __version__, mask=None if reveal else mask_credential))
        if shape != "json":
            raise ControlError(400, f"query parameter 'format' must be 'json' or 'har', got {shape!r}")
        items = [entry.as_dict() for entry in entries]
        if not reveal:
            for item in items:
                item["request_headers"] = mask_headers(item["request_headers"])
        return JSON({"items": items, "total": total})

    async def journal_entry(self, request: Request) -> Response:
        """One exchange: request and response, headers and bodies (each bounded)."""
        reveal = self._reveal(request)
        entry = self.sandbox.journal.get(request.path_params["entry_id"])
        if entry is None:
            raise ControlError(
                404, f"no journal entry {request.path_params['entry_id']} (it may have aged out)"
            )
        item = entry.as_dict()
        if not reveal:
            item["request_headers"] = mask_headers(item["request_headers"])
        return JSON(item)

    def _reveal(self, request: Request) -> bool:
        reveal = request.query_params.get("secrets") == "show"
        if reveal and not self.sandbox.settings.control_token:
            raise ControlError(
                403,
                "raw credentials are shown only by a server with a control token",
                "start it with --control-token TOKEN (MOCKPOST_CONTROL_TOKEN) and send the token",
            )
        return reveal

    def _tenant(self, text: str | None, provider: str | None) -> str | None:
        """A `tenant=` filter by tenant id, account label or raw credential."""
        return inventory.tenant_named(self.sandbox, text, provider) if text else None

    # -- accounts, objects, timers (the resource model) ------------------------------------
    async def accounts(self, request: Request) -> Response:
        provider = request.query_params.get("provider") or None
        return JSON({"items": inventory.accounts(self.sandbox, provider)})

    async def objects(self, request: Request) -> Response:
        p, q = request.path_params, request.query_params
        try:
            found = inventory.objects(
                self.sandbox,
                p["provider"],
                p["account"],
                q.get("kind") or None,
                q.get("state") or None,
                q.get("q") or None,
            )
        except inventory.NotFound as exc:
            raise ControlError(404, str(exc)) from None
        offset = max(query_int(request, "offset") or 0, 0)
        limit = query_int(request, "limit")
        page = found[offset : offset + limit] if limit is not None and limit >= 0 else found[offset:]
        return JSON({"items": page, "total": len(found)})

    async def delete_object(self, request: Request) -> Response:
        p = request.path_params
        try:
            deleted = inventory.delete(self.sandbox, p["provider"], p["account"], p["kind"], p["id"])
        except inventory.NotFound as exc:
            raise ControlError(404, str(exc)) from None
        if not deleted:
            raise ControlError(405, f"{p['provider']} cannot delete a {p['kind']} through its API")
        await self.sandbox.run_due()
        return Response(status_code=204)

    def _document(self, request: Request) -> Any:
        p = request.path_params
        try:
            found = inventory.documents(self.sandbox, p["provider"], p["account"], p["kind"], p["id"])
        except inventory.NotFound as exc:
            raise ControlError(404, str(exc)) from None
        index = p["index"]
        if not 0 <= index < len(found):
            raise ControlError(404, f"the {p['kind']} has {len(found)} documents; no document {index}")
        return found[index]

    async def document(self, request: Request) -> Response:
        """The original bytes; `?inline=true` shows them in the browser instead of saving them."""
        doc = self._document(request)
        disposition = "inline" if request.query_params.get("inline") == "true" else "attachment"
        filename = quote(doc.name, safe="")
        return Response(
            doc.data,
            media_type=doc.mime,
            headers={
                "content-disposition": f"{disposition}; filename*=UTF-8''{filename}",
                "x-content-type-options": "nosniff",
                "content-security-policy": "sandbox",  # an uploaded HTML or SVG runs nothing here
            },
        )

    def _pdf(self, request: Request) -> Any:
        doc = self._document(request)
        if doc.mime != PDF_MIME:
            raise ControlError(415, f"only PDF documents are drawn as pages; this one is {doc.mime}")
        return doc

    async def document_pages(self, request: Request) -> Response:
        doc = self._pdf(request)
        try:
            pages = await self.page_images.page_count(doc.data)
        except Unrenderable as exc:
            raise ControlError(422, str(exc)) from None
        return JSON({"pages": pages, "previewed": min(pages, MAX_PAGES)})

    async def document_page(self, request: Request) -> Response:
        """One page as a PNG, drawn off the event loop (`?scale=`: 1.5 by default, at most 3)."""
        doc = self._pdf(request)
        raw_scale = request.query_params.get("scale")
        try:
            scale = float(raw_scale) if raw_scale else DEFAULT_SCALE
        except ValueError:
            scale = math.nan
        if not math.isfinite(scale):
            raise ControlError(400, f"scale must be a number, got {raw_scale!r}")
        try:
            image = await self.page_images.page(doc.data, request.path_params["page"], scale)
        except Unrenderable as exc:
            raise ControlError(404 if "pages" in str(exc) else 422, str(exc)) from None
        return Response(image, media_type="image/png", headers={"cache-control": "private, max-age=60"})

    async def object(self, request: Request) -> Response:
        p = request.path_params
        try:
            found = inventory.describe(self.sandbox, p["provider"], p["account"], p["kind"], p["id"])
        except inventory.NotFound as exc:
            raise ControlError(404, str(exc)) from None
        return JSON(found)

    async def timers(self, request: Request) -> Response:
        return JSON({"items": inventory.timers(self.sandbox)})

    async def clear_journal(self, request: Request) -> Response:
        self.sandbox.journal.clear()
        return JSON({"items": []})

    async def verify_journal(self, request: Request) -> Response:
        body = await self.parse(request, models.JournalVerifyRequest)
        filters = body.model_dump(exclude={"count"})
        actual = self.sandbox.journal.count(**filters)
        result = {"ok": actual == body.count, "expected": body.count, "actual": actual}
        return JSON(result, status_code=200 if result["ok"] else 409)

    # -- faults -------------------------------------------------------------------
    async def add_fault(self, request: Request) -> Response:
        spec = await self.parse(request, FaultSpec)
        if spec.provider is not None and spec.provider not in self.sandbox.providers:
            raise ControlError(422, f"unknown provider {spec.provider!r}", sorted(self.sandbox.providers))
        rule = self.sandbox.faults.add(spec)
        return JSON(rule.model_dump(), status_code=201)

    async def list_faults(self, request: Request) -> Response:
        return JSON({"items": [rule.model_dump() for rule in self.sandbox.faults.list()]})

    async def clear_faults(self, request: Request) -> Response:
        self.sandbox.faults.clear()
        return JSON({"items": []})

    async def delete_fault(self, request: Request) -> Response:
        if not self.sandbox.faults.remove(request.path_params["fault_id"]):
            raise ControlError(404, f"no fault {request.path_params['fault_id']!r}")
        return Response(status_code=204)

    # -- webhooks -----------------------------------------------------------------
    async def deliveries(self, request: Request) -> Response:
        provider = request.query_params.get("provider") or None
        return JSON({"items": inventory.delivery_attempts(self.sandbox, provider)})

    async def delivery(self, request: Request) -> Response:
        delivery = self.sandbox.outbox.get(request.path_params["delivery_id"])
        if delivery is None:
            raise ControlError(404, f"no delivery {request.path_params['delivery_id']!r}")
        return JSON(delivery.as_dict())

    async def delivery_list(self, request: Request) -> Response:
        provider = request.query_params.get("provider") or None
        return JSON({"items": [d.as_dict() for d in self.sandbox.outbox.deliveries(provider)]})

    async def redeliver(self, request: Request) -> Response:
        delivery = self.sandbox.outbox.redeliver(request.path_params["delivery_id"])
        if delivery is None:
            raise ControlError(404, f"no delivery {request.path_params['delivery_id']!r}")
        await self.sandbox.run_due()
        return JSON(delivery.as_dict())

    # -- inbox --------------------------------------------------------------------
    async def inbox_put(self, request: Request) -> Response:
        raw = await read_body(request, self.max_body)
        self.sandbox.inboxes.put(
            request.path_params["name"],
            {
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "headers": dict(request.headers),
                "body": clip(raw, INBOX_BODY_LIMIT).decode("utf-8", "replace"),
                "received_at": self.sandbox.describe_clock()["now"],
            },
        )
        return JSON({"received": True})

    async def inbox_list(self, request: Request) -> Response:
        return JSON(
            {"items": [{"name": name, "count": count} for name, count in self.sandbox.inboxes.sizes()]}
        )

    async def inbox_get(self, request: Request) -> Response:
        return JSON({"items": self.sandbox.inboxes.items(request.path_params["name"])})

    async def inbox_delete(self, request: Request) -> Response:
        self.sandbox.inboxes.clear(request.path_params["name"])
        return JSON({"items": []})

    # -- per-provider state ---------------------------------------------------------
    def _provider(self, request: Request) -> Any:
        name = request.path_params["provider"]
        provider = self.sandbox.providers.get(name)
        if provider is None:
            raise ControlError(404, f"unknown provider {name!r}", sorted(self.sandbox.providers))
        return provider

    async def state(self, request: Request) -> Response:
        provider = self._provider(request)
        tenant = provider.authenticate(request)
        request.scope[TENANT_KEY] = tenant
        return JSON({"provider": provider.name, "tenant": tenant, "state": provider.dump(tenant)})

    async def transition(self, request: Request) -> Response:
        """The account is named by the provider's auth headers, or by `account` in the body (an
        operator acting for any account, e.g. from the console)."""
        provider = self._provider(request)
        body = await self.parse(request, models.TransitionRequest)
        if body.account is not None:
            tenant = inventory.tenant_named(self.sandbox, body.account, provider.name)
            if self.sandbox.store.existing(provider.name, tenant) is None:
                raise ControlError(404, f"{provider.name} has no account {body.account!r}")
        else:
            tenant = provider.authenticate(request)
        request.scope[TENANT_KEY] = tenant
        try:
            result = provider.force(tenant, body.model_dump(exclude={"account"}))
        except TransitionRefused as exc:
            raise ControlError(409, exc.reason, {"from": exc.current, "to": exc.target}) from None
        except UnknownState as exc:
            raise ControlError(422, str(exc)) from None
        except UnknownResource as exc:
            raise ControlError(404, str(exc.args[0] if exc.args else exc)) from None
        await self.sandbox.run_due()  # cascades due "now" (webhooks, completion) before answering
        return JSON(result)

    # -- the console's live feed ------------------------------------------------------------
    async def events(self, request: Request) -> Response:
        """Server-sent events: `hello` (the clock), then `request`, `transition`, `delivery`,
        `clock` and `reset` as they happen; `resync` when this reader fell behind."""
        return EventStreamResponse(self.hub, self.sandbox.describe_clock())

    # -- scenarios ----------------------------------------------------------------------
    async def load_scenario(self, request: Request) -> Response:
        """A scenario file's world (YAML or JSON): reset (unless ?reset=false), then load it."""
        from mockpost.scenarios.http import load_posted_scenario

        status, body = await load_posted_scenario(self.sandbox, request, self.max_body)
        if status != 200:
            raise ControlError(status, body["error"], body["detail"])
        return JSON(body)

    # -- snapshots and persistence ------------------------------------------------------------
    async def export_snapshot(self, request: Request) -> Response:
        q = request.query_params
        try:
            raw = self.sandbox.snapshots.export(q.get("provider") or None, q.get("account") or None)
        except inventory.NotFound as exc:
            raise ControlError(404, str(exc)) from None
        return Response(raw, media_type="application/json")

    async def import_snapshot(self, request: Request) -> Response:
        """Replace (default) or merge; a document with any problem is refused whole (400 naming each
        field) and nothing changes."""
        from mockpost.persist.restore import SnapshotError

        merge = query_flag(request, "merge")
        try:
            raw = await read_body(request, self.max_body)
        except BodyTooLarge as exc:
            raise ControlError(
                413,
                f"{exc}; a larger snapshot needs a server started with a larger --max-body-mb, or "
                "load it at start with --snapshot FILE",
            ) from None
        if not raw.strip():
            raise ControlError(400, "invalid snapshot: the body is empty; send a snapshot document")
        try:
            result = self.sandbox.snapshots.restore(raw, merge=merge)
        except SnapshotError as exc:
            raise ControlError(400, f"invalid snapshot: {exc}", exc.details()) from None
        return JSON(result)

    async def persistence(self, request: Request) -> Response:
        persistence = self.sandbox.persistence
        return JSON(persistence.status() if persistence is not None else {"enabled": False})

    async def providers(self, request: Request) -> Response:
        return JSON({"items": [self.provider_info(p) for p in self.sandbox.providers.values()]})

    @staticmethod
    def provider_info(provider: Any) -> dict[str, Any]:
        return {
            "name": provider.name,
            "title": provider.title,
            "mount": provider.mount,
            "openapi": f"{provider.mount}/openapi.json",
            "lifecycles": [lc.describe() for lc in provider.lifecycles()],
        }

    async def openapi(self, request: Request) -> Response:
        return JSON(self.openapi_document(str(request.base_url)))

    def openapi_document(self, base_url: str) -> dict[str, Any]:
        return openapi_document(
            "mockpost control plane",
            __version__,
            self.all_endpoints(),
            base_url.rstrip("/") + "/_mockpost",
            "Drive the sandbox: clock, reset, journal, faults, webhooks, inboxes, state. A server "
            "started with --control-token answers 401 without the token (health excepted).",
            security=SECURITY_SCHEMES,
            error_schema=models.ControlError,
        )

    # -- the table ----------------------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        E = Endpoint
        filters = (
            Param("provider", "Provider name"),
            Param("method", "HTTP method"),
            Param("path", "Glob on the full path, e.g. /ekopost/campaigns/*"),
            Param("status", "Response status", "integer"),
            Param("tenant", "Account: tenant id, label or credential"),
            Param("limit", "Keep only the newest N", "integer"),
            Param("before", "Only entries with a smaller id (paging back)", "integer"),
        )
        reveal = Param("secrets", "show: raw credential headers (needs a server with a control token)")
        bad = {422: "Invalid request body"}
        # any name is an inbox, but a path holding a line break (%0A) matches no route at all
        unroutable = {404: "No such route: the name holds a line break"}
        table = [
            E(
                "GET",
                "/health",
                self.health,
                "Liveness and version (open: needs no control token)",
                response=models.Health,
                tag="meta",
                public=True,
            ),
            E("GET", "/version", self.version, "Version", tag="meta"),
            E(
                "GET",
                "/providers",
                self.providers,
                "Providers, mounts and lifecycle tables",
                tag="meta",
                response=models.Items,
            ),
            E("GET", "/clock", self.clock, "Current virtual time", response=models.ClockState, tag="clock"),
            E(
                "POST",
                "/clock/freeze",
                self.freeze,
                "Freeze time (optionally at an instant)",
                body=models.FreezeRequest,
                response=models.ClockState,
                tag="clock",
                errors=bad,
            ),
            E(
                "POST",
                "/clock/unfreeze",
                self.unfreeze,
                "Let time run on from the virtual instant",
                response=models.ClockState,
                tag="clock",
            ),
            E(
                "POST",
                "/clock/set",
                self.set_clock,
                "Jump to an instant (forward applies due work)",
                body=models.SetClockRequest,
                response=models.ClockState,
                tag="clock",
                errors=bad,
            ),
            E(
                "POST",
                "/clock/advance",
                self.advance,
                "Advance time; returns after due transitions are applied and their webhooks delivered",
                body=models.AdvanceRequest,
                response=models.ClockState,
                tag="clock",
                errors=bad,
            ),
            E(
                "POST",
                "/reset",
                self.reset,
                "Empty state (all, one provider, or one tenant)",
                query=(Param("provider", "Only this provider"), Param("tenant", "Only this tenant")),
                response=models.ResetResult,
                tag="state",
                errors={404: "Unknown provider"},
            ),
            E(
                "GET",
                "/journal",
                self.journal,
                "Recorded requests, oldest first (credential headers masked unless secrets=show); "
                "`format=har` answers an HTTP Archive (HAR 1.2)",
                query=(*filters, reveal, Param("format", "json (default): {items}; har: HAR 1.2 {log}")),
                response=models.Items,
                tag="journal",
                errors={
                    400: "Unknown format or a non-integer status/limit",
                    403: "secrets=show on a server without a control token",
                },
            ),
            E(
                "GET",
                "/journal/{entry_id:int}",
                self.journal_entry,
                "One recorded exchange: request and response headers and bodies, the fault that fired",
                query=(reveal,),
                tag="journal",
                errors={404: "No such entry (or aged out)", 403: "secrets=show without a control token"},
            ),
            E("DELETE", "/journal", self.clear_journal, "Forget recorded requests", tag="journal"),
            E(
                "POST",
                "/journal/verify",
                self.verify_journal,
                "Check how many requests matched (409 if not)",
                body=models.JournalVerifyRequest,
                response=models.JournalVerifyResult,
                tag="journal",
                errors={409: ("Count differs", models.JournalVerifyResult), **bad},
            ),
            E(
                "POST",
                "/faults",
                self.add_fault,
                "Add a fault rule",
                body=FaultSpec,
                response=FaultRule,
                status=201,
                tag="faults",
                errors=bad,
            ),
            E("GET", "/faults", self.list_faults, "List fault rules", response=models.Items, tag="faults"),
            E("DELETE", "/faults", self.clear_faults, "Remove every fault rule", tag="faults"),
            E(
                "DELETE",
                "/faults/{fault_id}",
                self.delete_fault,
                "Remove one fault rule",
                status=204,
                tag="faults",
                errors={404: "No such fault"},
            ),
            E(
                "GET",
                "/webhooks/deliveries",
                self.deliveries,
                "Every delivery attempt, oldest first",
                query=(Param("provider", "Provider name"),),
                response=models.Items,
                tag="webhooks",
            ),
            E(
                "GET",
                "/webhooks/outbox",
                self.delivery_list,
                "Deliveries with their attempts",
                query=(Param("provider", "Provider name"),),
                response=models.Items,
                tag="webhooks",
            ),
            E(
                "GET",
                "/webhooks/deliveries/{delivery_id}",
                self.delivery,
                "One delivery and its attempts",
                tag="webhooks",
                errors={404: "No such delivery"},
            ),
            E(
                "POST",
                "/webhooks/deliveries/{delivery_id}/redeliver",
                self.redeliver,
                "Send a delivery again",
                tag="webhooks",
                errors={404: "No such delivery"},
            ),
            E(
                "GET",
                "/inbox",
                self.inbox_list,
                "Inboxes and how many requests each holds",
                response=models.Items,
                tag="inbox",
            ),
            E(
                "POST",
                "/inbox/{name}",
                self.inbox_put,
                "Store any request (a webhook receiver for tests)",
                tag="inbox",
                errors=unroutable,
            ),
            E(
                "GET",
                "/inbox/{name}",
                self.inbox_get,
                "Stored requests, oldest first",
                response=models.Items,
                tag="inbox",
                errors=unroutable,
            ),
            E(
                "DELETE",
                "/inbox/{name}",
                self.inbox_delete,
                "Empty an inbox",
                tag="inbox",
                errors=unroutable,
            ),
            E(
                "GET",
                "/accounts",
                self.accounts,
                "Every account holding state: provider, account id, readable label, objects per kind",
                query=(Param("provider", "Only this provider"),),
                response=models.Items,
                tag="state",
            ),
            E(
                "GET",
                "/accounts/{provider}/{account}/objects",
                self.objects,
                "An account's objects (account: its id, label or credential), oldest first",
                query=(
                    Param("kind", "Only this kind"),
                    Param("state", "Only objects in this state"),
                    Param("q", "Only objects whose id or wire JSON holds this text (any case)"),
                    Param("offset", "Skip this many", "integer"),
                    Param("limit", "At most this many", "integer"),
                ),
                response=models.ObjectPage,
                tag="state",
                errors={
                    400: "offset or limit is not a whole number",
                    404: "Unknown provider, account or kind",
                },
            ),
            E(
                "GET",
                "/accounts/{provider}/{account}/objects/{kind}/{id}",
                self.object,
                "One object: its wire JSON, state history (virtual time) and pending timers",
                response=models.ObjectDetail,
                tag="state",
                errors={404: "Unknown provider, account, kind or object"},
            ),
            E(
                "DELETE",
                "/accounts/{provider}/{account}/objects/{kind}/{id}",
                self.delete_object,
                "Delete an object as its API would (only kinds the API can delete)",
                status=204,
                tag="state",
                errors={404: "Unknown provider, account, kind or object", 405: "Its API cannot delete it"},
            ),
            E(
                "GET",
                "/accounts/{provider}/{account}/objects/{kind}/{id}/documents/{index:int}",
                self.document,
                "A document the object holds or made, as received or made (?inline=true to view it)",
                query=(Param("inline", "true: shown by the browser rather than saved"),),
                tag="state",
                response_type="application/octet-stream",
                errors={404: "No such object or document"},
            ),
            E(
                "GET",
                "/accounts/{provider}/{account}/objects/{kind}/{id}/documents/{index:int}/pages",
                self.document_pages,
                "How many pages a PDF document has, and how many are drawn as images",
                response=models.PageCount,
                tag="state",
                errors={404: "No such object or document", 415: "Not a PDF", 422: "Not a readable PDF"},
            ),
            E(
                "GET",
                "/accounts/{provider}/{account}/objects/{kind}/{id}/documents/{index:int}/pages/{page:int}",
                self.document_page,
                "One page of a PDF document as a PNG image (1-based)",
                query=(Param("scale", "1.5 by default (an A4 page 893 px wide), at most 3", "number"),),
                tag="state",
                response_type="image/png",
                errors={404: "No such object, document or page", 415: "Not a PDF", 422: "Not a readable PDF"},
            ),
            E(
                "GET",
                "/events",
                self.events,
                "The console's live feed (server-sent events): request, transition, delivery, clock, reset",
                tag="meta",
                response_type="text/event-stream",
            ),
            E(
                "GET",
                "/timers",
                self.timers,
                "Pending timed work of every provider, by due time",
                response=models.Items,
                tag="clock",
            ),
            E(
                "GET",
                "/state/{provider}",
                self.state,
                "The calling tenant's state (provider's auth headers)",
                tag="state",
                errors={404: "Unknown provider"},
            ),
            E(
                "POST",
                "/{provider}/transition",
                self.transition,
                "Force a resource into a state its lifecycle allows (the account: provider's auth "
                "headers, or `account` in the body)",
                body=models.TransitionRequest,
                tag="state",
                errors={
                    404: "Unknown provider or resource",
                    409: "The lifecycle does not allow that move from the current state",
                    422: "Invalid request body, or a state the lifecycle does not have",
                },
            ),
            E(
                "GET",
                "/snapshot",
                self.export_snapshot,
                "A snapshot: the whole sandbox, one provider or one account, as a versioned JSON document",
                query=(
                    Param("provider", "Only this provider"),
                    Param("account", "Only this account of the provider (its id, label or credential)"),
                ),
                response=models.Snapshot,
                tag="state",
                errors={404: "Unknown provider or account"},
            ),
            E(
                "POST",
                "/snapshot",
                self.import_snapshot,
                "Restore a snapshot: replaces what it covers (the sandbox, a provider or an account), or "
                "with merge=true adds its accounts, faults and inbox items; all or nothing",
                query=(Param("merge", "true: add to the current state instead of replacing it", "boolean"),),
                body=models.Snapshot,
                response=models.SnapshotRestored,
                tag="state",
                errors={400: "Not a snapshot this mockpost can restore (each problem with its field)"},
            ),
            E(
                "GET",
                "/persistence",
                self.persistence,
                "Whether state is kept in a --data-dir, and whether every change is written yet",
                response=models.PersistenceStatus,
                tag="state",
            ),
            E(
                "POST",
                "/scenarios",
                self.load_scenario,
                "Load a scenario's world: clock, accounts, seed, rules, faults (YAML or JSON; steps not run)",
                query=(Param("reset", "false: keep the current state (default: reset first)"),),
                body=Deferred("mockpost.scenarios.schema", "Scenario"),
                tag="scenarios",
                errors={400: "Not YAML or JSON", 422: "Invalid scenario (each problem with its line)"},
            ),
        ]
        return table

    def all_endpoints(self) -> list[Endpoint]:
        """The generic table plus each provider's own control routes under /<provider>/..., each
        documenting the control token's 401 (health excepted) and, where the route takes a
        provider's credentials, that provider's refusal of them (any provider's on the generic
        tenant routes)."""

        def documented(endpoint: Endpoint, refusals: Iterable[dict[int, tuple[str, Any]]]) -> Endpoint:
            if not endpoint.public:
                endpoint = replace(endpoint, errors={401: UNAUTHORIZED_DOC, **endpoint.errors})
            return with_refusals(with_body_errors(endpoint), refusals)

        providers = list(self.sandbox.providers.values())
        every_refusal = [provider.credentials_refused() for provider in providers]
        table = [
            documented(e, every_refusal if (e.method, e.path) in TENANT_ROUTES else ())
            for e in self.endpoints()
        ]
        extra = [
            documented(
                replace(endpoint, path=f"/{provider.name}{endpoint.path}", tag=endpoint.tag or provider.name),
                [provider.credentials_refused()],
            )
            for provider in providers
            for endpoint in provider.control_endpoints()
        ]
        return [*table, *extra]

    def provider_control_routes(self, name: str) -> list[Route]:
        """/_mockpost/<provider>/...: the provider's own control routes."""
        return build_routes(self.sandbox.providers[name].control_endpoints())

    def asgi_app(self) -> Starlette:
        def api_error(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, ApiError)
            return exc.response()

        def http_error(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, HTTPException)
            return ControlError(
                exc.status_code, f"{exc.detail}: {request.method} {request.url.path}"
            ).response()

        def bad_body(request: Request, exc: Exception) -> Response:
            return ControlError(400 if isinstance(exc, BadJSON) else 413, str(exc)).response()

        def crashed(request: Request, exc: Exception) -> Response:
            return ControlError(500, f"internal error: {type(exc).__name__}").response()

        routes = [
            Route("/openapi.json", self.openapi, methods=["GET"]),
            *build_routes(self.endpoints()),
            *[
                LazyMount(f"/{name}", functools.partial(self.provider_control_routes, name))
                for name in self.sandbox.providers
            ],
        ]
        return Starlette(
            routes=routes,
            exception_handlers={
                ApiError: api_error,
                HTTPException: http_error,
                BadJSON: bad_body,
                BodyTooLarge: bad_body,
                Exception: crashed,
            },
        )
