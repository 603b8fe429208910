"""HTTP <-> Nirva backend: parse, call, render. No business rule lives here.

The caller is the session of the request's X-Auth-Token (`Provider.resolve`); sign-in tags the
request with the organisation it opened a session in. Each handler carries its endpoint; routes are
matched in the order they are written here."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from mockpost.core.api import Endpoint, Param, endpoints_of, route
from mockpost.core.http import JSON, read_body, read_json
from mockpost.core.offload import off_loop
from mockpost.core.provider import tag
from mockpost.providers.nirva import documents, models, wire
from mockpost.providers.nirva.backend import NirvaBackend
from mockpost.providers.nirva.errors import BadRequest
from mockpost.providers.nirva.jobs import Upload
from mockpost.providers.nirva.organisation import OptionCatalog
from mockpost.providers.nirva.parsing import parse_parameters
from mockpost.providers.nirva.state import Organisation, User

TOKEN_HEADER = "x-auth-token"
TOKEN = (Param("X-Auth-Token", "Session token from /authentication/authenticate", required=True),)
AUTH = {401: "Missing, unknown or expired X-Auth-Token"}
BAD = {400: "Invalid request"}
MISSING = {404: "Unknown id (or another user's)"}
CONFLICT = {409: "Not allowed in the current status"}
MAX_PARTS = 1000


class NirvaRoutes:
    def __init__(self, provider: Any, backend: NirvaBackend, catalog: OptionCatalog, max_body: int) -> None:
        self.provider = provider
        self.backend = backend
        self.catalog = catalog
        self.max_body = max_body

    def endpoints(self) -> list[Endpoint]:
        return endpoints_of(self)

    def serves(self, request: Request) -> bool:
        """Whether a request is for one of these routes (rather than for the control plane)."""
        endpoint = request.scope.get("endpoint")
        handler = getattr(endpoint, "handler", endpoint)  # a route's endpoint wraps its handler (Answering)
        return getattr(handler, "__self__", None) is self

    def caller(self, request: Request) -> tuple[Organisation, User]:
        org: Organisation = self.provider.resolve(request)
        return org, self.backend.sessions.user_of(org, request.headers[TOKEN_HEADER])

    # -- authentication ---------------------------------------------------------------------
    @route(
        "POST",
        "/authentication/authenticate",
        "Open a session; with withProfileDetail the profile with its services and boxes",
        body=models.AuthenticateRequest,
        response=models.AuthenticateOut,
        query=(Param("withProfileDetail", "true: return the profile detail", type="boolean"),),
        errors={**BAD, 401: "Wrong login or password (strict mode)"},
        tag="Authentication",
        public=True,
    )
    async def authenticate(self, request: Request) -> Response:
        body = await read_json(request, self.max_body)
        query_detail = request.query_params.get("withProfileDetail")
        if isinstance(body, dict) and query_detail is not None:
            body = {"withProfileDetail": query_detail, **body}  # the body's own value wins
        credentials = models.AuthenticateRequest.parse(body)
        org, user, session = self.backend.sign_in(credentials.login, credentials.password)
        tag(request, org.tenant)
        answer: dict[str, Any] = {"token": session.token}
        if credentials.withProfileDetail:
            answer["profile"] = wire.render_profile(org, user)
        return JSON(answer)

    @route(
        "POST",
        "/authentication/logout",
        "Close the session",
        headers=TOKEN,
        errors=AUTH,
        tag="Authentication",
    )
    @route(
        "GET", "/authentication/logout", "Close the session", headers=TOKEN, errors=AUTH, tag="Authentication"
    )
    async def logout(self, request: Request) -> Response:
        org: Organisation = self.provider.resolve(request)
        self.backend.sessions.close(org, request.headers[TOKEN_HEADER])
        return Response(status_code=200)

    # -- options ----------------------------------------------------------------------------
    @route(
        "GET",
        "/options/type",
        "Option types (printMode, envelopeType, ...)",
        headers=TOKEN,
        response=list[models.OptionTypeOut],
        errors=AUTH,
        tag="Options",
    )
    async def option_types(self, request: Request) -> Response:
        self.caller(request)
        return JSON(wire.render_option_types(self.catalog))

    @route(
        "GET",
        "/options",
        "Options (1SIDE, 2SIDE, C4P, ...) with their type",
        headers=TOKEN,
        response=list[models.OptionOut],
        errors=AUTH,
        tag="Options",
    )
    async def options(self, request: Request) -> Response:
        self.caller(request)
        return JSON(wire.render_options(self.catalog))

    # -- jobs -------------------------------------------------------------------------------
    @route(
        "POST",
        "/jobs",
        "Create a job: a 'parameters' JSON part (JobCreationParameter) and PDF parts per box",
        headers=TOKEN,
        body=models.JobUpload,
        content_type="multipart/form-data",
        response=models.JobOut,
        errors={**BAD, **AUTH, 403: "targetOwnerId without being an administrator"},
        tag="Jobs",
    )
    async def create_job(self, request: Request) -> Response:
        org, user = self.caller(request)
        raw_parameters, uploads = await self.multipart(request)
        parameters = models.JobCreationParameter.parse(parse_parameters(raw_parameters))
        job = self.backend.jobs.create_job(org, user, parameters, uploads)
        return JSON(wire.render_job(job))

    async def multipart(self, request: Request) -> tuple[bytes | None, list[Upload]]:
        if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
            raise BadRequest("POST /jobs takes multipart/form-data: a 'parameters' part and file parts")
        raw = await read_body(request, self.max_body)

        async def replay() -> Message:
            return {"type": "http.request", "body": raw, "more_body": False}

        try:
            form = await Request(request.scope, replay).form(
                max_files=MAX_PARTS, max_fields=MAX_PARTS, max_part_size=self.max_body
            )
        except MultiPartException as exc:
            raise BadRequest(f"the multipart body cannot be read: {exc}") from None
        parameters: bytes | None = None
        uploads: list[Upload] = []
        try:
            for name, value in form.multi_items():
                data = await value.read() if isinstance(value, UploadFile) else value.encode("utf-8")
                if name == "parameters":
                    if parameters is not None:
                        raise BadRequest("send the 'parameters' part once")
                    parameters = data
                else:
                    file_name = (value.filename or "") if isinstance(value, UploadFile) else ""
                    # reading a PDF (pypdf) takes seconds for thousands of pages: not on the loop
                    texts = await off_loop(documents.page_texts, data, file_name or name)
                    uploads.append(Upload(name, file_name, data, texts))
        finally:
            await form.close()
        return parameters, uploads

    @route(
        "GET",
        "/jobs/{jobId}",
        "Job status and packGroupCountPerStates",
        headers=TOKEN,
        response=models.JobOut,
        errors={**AUTH, **MISSING},
        tag="Jobs",
    )
    async def get_job(self, request: Request) -> Response:
        org, user = self.caller(request)
        return JSON(wire.render_job(self.backend.jobs.job(org, user, request.path_params["jobId"])))

    @route(
        "GET",
        "/jobs/{jobId}/packGroups",
        "The job's packGroups and eligibility",
        headers=TOKEN,
        response=list[models.PackGroupOut],
        errors={**AUTH, **MISSING},
        tag="Jobs",
    )
    async def job_pack_groups(self, request: Request) -> Response:
        org, user = self.caller(request)
        job = self.backend.jobs.job(org, user, request.path_params["jobId"])
        return JSON([wire.render_pack_group(group, self.catalog) for group in job.pack_groups.values()])

    @route(
        "POST",
        "/jobs/{jobId}/validate",
        "Create the deliveries of a job made without autocreateDeliveryCommand",
        headers=TOKEN,
        response=models.JobOut,
        errors={**AUTH, **MISSING, **CONFLICT},
        tag="Jobs",
    )
    async def validate_job(self, request: Request) -> Response:
        org, user = self.caller(request)
        job = self.backend.jobs.job(org, user, request.path_params["jobId"])
        return JSON(wire.render_job(self.backend.jobs.validate(org, job)))

    @route(
        "POST",
        "/packGroups/{packGroupId}/edit",
        "Edit RAW requirement values; eligibility is checked again",
        headers=TOKEN,
        body=models.EditRequest,
        response=models.PackGroupOut,
        errors={**BAD, **AUTH, **MISSING, **CONFLICT},
        tag="PackGroups",
    )
    async def edit_pack_group(self, request: Request) -> Response:
        org, user = self.caller(request)
        group = self.backend.jobs.pack_group(org, user, request.path_params["packGroupId"])
        edits = models.EditRequest.parse(await read_json(request, self.max_body))
        return JSON(wire.render_pack_group(self.backend.jobs.edit(org, group, edits), self.catalog))

    # -- deliveries and shipments ---------------------------------------------------------------
    @route(
        "GET",
        "/deliveries",
        "The job's deliveries (one per channel) and shipments",
        headers=TOKEN,
        query=(Param("jobId", "The job", required=True),),
        response=list[models.DeliveryOut],
        errors={**BAD, **AUTH, **MISSING},
        tag="Deliveries",
    )
    async def deliveries(self, request: Request) -> Response:
        org, user = self.caller(request)
        found = self.backend.deliveries.deliveries_of(org, user, request.query_params.get("jobId"))
        return JSON([wire.render_delivery(delivery) for delivery in found])

    @route(
        "GET",
        "/shipments/{shipmentId}",
        "A shipment with its metadata",
        headers=TOKEN,
        response=models.ShipmentOut,
        errors={**AUTH, **MISSING},
        tag="Shipments",
    )
    async def get_shipment(self, request: Request) -> Response:
        org, user = self.caller(request)
        shipment = self.backend.deliveries.shipment(org, user, request.path_params["shipmentId"])
        return JSON(wire.render_shipment(shipment))

    @route(
        "GET",
        "/shipments/{shipmentId}/trackingFile/{trackingName}",
        "A tracking file: ACKN, CERTIF (PDF) or TRACKING_DETAIL (JSON)",
        headers=TOKEN,
        response_type="application/octet-stream",
        errors={**AUTH, **MISSING},
        tag="Shipments",
    )
    async def tracking_file(self, request: Request) -> Response:
        org, user = self.caller(request)
        shipment = self.backend.deliveries.shipment(org, user, request.path_params["shipmentId"])
        found = self.backend.deliveries.tracking_file(shipment, request.path_params["trackingName"])
        return Response(
            found.data,
            media_type=found.content_type,
            headers={"Content-Disposition": f'attachment; filename="{found.file_name}"'},
        )
