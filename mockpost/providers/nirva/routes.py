"""HTTP <-> Nirva backend: parse, authenticate (X-Auth-Token), call, render. No business rule here."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from mockpost.core.api import Endpoint, Param
from mockpost.core.http import JSON, read_body, read_json
from mockpost.core.middleware import TENANT_KEY
from mockpost.core.offload import off_loop
from mockpost.providers.nirva import documents, models
from mockpost.providers.nirva.backend import NirvaBackend
from mockpost.providers.nirva.errors import BadRequest
from mockpost.providers.nirva.jobs import Upload
from mockpost.providers.nirva.organisation import OptionCatalog
from mockpost.providers.nirva.state import Organisation, User

TOKEN = (Param("X-Auth-Token", "Session token from /authentication/authenticate", required=True),)
AUTH = {401: "Missing, unknown or expired X-Auth-Token"}
BAD = {400: "Invalid request"}
MISSING = {404: "Unknown id (or another user's)"}
CONFLICT = {409: "Not allowed in the current status"}
MAX_PARTS = 1000


class NirvaRoutes:
    def __init__(self, backend: NirvaBackend, catalog: OptionCatalog, max_body: int) -> None:
        self.backend = backend
        self.catalog = catalog
        self.max_body = max_body

    def caller(self, request: Request) -> tuple[Organisation, User]:
        org, user, _ = self.backend.sessions.resolve(request.headers.get("x-auth-token"))
        request.scope[TENANT_KEY] = org.tenant
        return org, user

    # -- authentication ---------------------------------------------------------------------
    async def authenticate(self, request: Request) -> Response:
        body = await read_json(request, self.max_body)
        login, password, detail = self.backend.sessions.read_credentials(
            body, request.query_params.get("withProfileDetail")
        )
        org, user, session = self.backend.sign_in(login, password)
        request.scope[TENANT_KEY] = org.tenant
        answer: dict[str, Any] = {"token": session.token}
        if detail:
            answer["profile"] = models.render_profile(org, user)
        return JSON(answer)

    async def logout(self, request: Request) -> Response:
        org, _, session = self.backend.sessions.resolve(request.headers.get("x-auth-token"))
        request.scope[TENANT_KEY] = org.tenant
        self.backend.sessions.close(org, session.token)
        return Response(status_code=200)

    # -- options ----------------------------------------------------------------------------
    async def option_types(self, request: Request) -> Response:
        self.caller(request)
        return JSON(self.catalog.render_types())

    async def options(self, request: Request) -> Response:
        self.caller(request)
        return JSON(self.catalog.render_options())

    # -- jobs -------------------------------------------------------------------------------
    async def create_job(self, request: Request) -> Response:
        org, user = self.caller(request)
        parameters, uploads = await self.multipart(request)
        job = self.backend.jobs.create_job(org, user, parameters, uploads)
        return JSON(models.render_job(org, job))

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

    async def get_job(self, request: Request) -> Response:
        org, user = self.caller(request)
        return JSON(models.render_job(org, self.backend.jobs.job(org, user, request.path_params["jobId"])))

    async def job_pack_groups(self, request: Request) -> Response:
        org, user = self.caller(request)
        job = self.backend.jobs.job(org, user, request.path_params["jobId"])
        groups = self.backend.jobs.pack_groups_of(org, job)
        return JSON([models.render_pack_group(group, self.catalog) for group in groups])

    async def validate_job(self, request: Request) -> Response:
        org, user = self.caller(request)
        job = self.backend.jobs.job(org, user, request.path_params["jobId"])
        return JSON(models.render_job(org, self.backend.jobs.validate(org, job)))

    async def edit_pack_group(self, request: Request) -> Response:
        org, user = self.caller(request)
        group = self.backend.jobs.pack_group(org, user, request.path_params["packGroupId"])
        body = await read_json(request, self.max_body)
        return JSON(models.render_pack_group(self.backend.jobs.edit(org, group, body), self.catalog))

    # -- deliveries and shipments ---------------------------------------------------------------
    async def deliveries(self, request: Request) -> Response:
        org, user = self.caller(request)
        found = self.backend.deliveries.deliveries_of(org, user, request.query_params.get("jobId"))
        return JSON([models.render_delivery(org, delivery) for delivery in found])

    async def get_shipment(self, request: Request) -> Response:
        org, user = self.caller(request)
        shipment = self.backend.deliveries.shipment(org, user, request.path_params["shipmentId"])
        return JSON(models.render_shipment(shipment))

    async def tracking_file(self, request: Request) -> Response:
        org, user = self.caller(request)
        shipment = self.backend.deliveries.shipment(org, user, request.path_params["shipmentId"])
        found = self.backend.deliveries.tracking_file(shipment, request.path_params["trackingName"])
        return Response(
            found.data,
            media_type=found.content_type,
            headers={"Content-Disposition": f'attachment; filename="{found.file_name}"'},
        )

    # -- the table ----------------------------------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        E = Endpoint
        return [
            E(
                "POST",
                "/authentication/authenticate",
                self.authenticate,
                "Open a session; with withProfileDetail the profile with its services and boxes",
                body=models.AuthenticateRequest,
                response=models.AuthenticateOut,
                query=(Param("withProfileDetail", "true: return the profile detail", type="boolean"),),
                errors={**BAD, 401: "Wrong login or password (strict mode)"},
                tag="Authentication",
                public=True,
            ),
            E(
                "POST",
                "/authentication/logout",
                self.logout,
                "Close the session",
                headers=TOKEN,
                errors=AUTH,
                tag="Authentication",
            ),
            E(
                "GET",
                "/authentication/logout",
                self.logout,
                "Close the session",
                headers=TOKEN,
                errors=AUTH,
                tag="Authentication",
            ),
            E(
                "GET",
                "/options/type",
                self.option_types,
                "Option types (printMode, envelopeType, ...)",
                headers=TOKEN,
                response=list[models.OptionTypeOut],
                errors=AUTH,
                tag="Options",
            ),
            E(
                "GET",
                "/options",
                self.options,
                "Options (1SIDE, 2SIDE, C4P, ...) with their type",
                headers=TOKEN,
                response=list[models.OptionOut],
                errors=AUTH,
                tag="Options",
            ),
            E(
                "POST",
                "/jobs",
                self.create_job,
                "Create a job: a 'parameters' JSON part (JobCreationParameter) and PDF parts per box",
                headers=TOKEN,
                body=models.JobUpload,
                content_type="multipart/form-data",
                response=models.JobOut,
                errors={**BAD, **AUTH, 403: "targetOwnerId without being an administrator"},
                tag="Jobs",
            ),
            E(
                "GET",
                "/jobs/{jobId}",
                self.get_job,
                "Job status and packGroupCountPerStates",
                headers=TOKEN,
                response=models.JobOut,
                errors={**AUTH, **MISSING},
                tag="Jobs",
            ),
            E(
                "GET",
                "/jobs/{jobId}/packGroups",
                self.job_pack_groups,
                "The job's packGroups and eligibility",
                headers=TOKEN,
                response=list[models.PackGroupOut],
                errors={**AUTH, **MISSING},
                tag="Jobs",
            ),
            E(
                "POST",
                "/jobs/{jobId}/validate",
                self.validate_job,
                "Create the deliveries of a job made without autocreateDeliveryCommand",
                headers=TOKEN,
                response=models.JobOut,
                errors={**AUTH, **MISSING, **CONFLICT},
                tag="Jobs",
            ),
            E(
                "POST",
                "/packGroups/{packGroupId}/edit",
                self.edit_pack_group,
                "Edit RAW requirement values; eligibility is checked again",
                headers=TOKEN,
                body=models.EditRequest,
                response=models.PackGroupOut,
                errors={**BAD, **AUTH, **MISSING, **CONFLICT},
                tag="PackGroups",
            ),
            E(
                "GET",
                "/deliveries",
                self.deliveries,
                "The job's deliveries (one per channel) and shipments",
                headers=TOKEN,
                query=(Param("jobId", "The job", required=True),),
                response=list[models.DeliveryOut],
                errors={**BAD, **AUTH, **MISSING},
                tag="Deliveries",
            ),
            E(
                "GET",
                "/shipments/{shipmentId}",
                self.get_shipment,
                "A shipment with its metadata",
                headers=TOKEN,
                response=models.ShipmentOut,
                errors={**AUTH, **MISSING},
                tag="Shipments",
            ),
            E(
                "GET",
                "/shipments/{shipmentId}/trackingFile/{trackingName}",
                self.tracking_file,
                "A tracking file: ACKN, CERTIF (PDF) or TRACKING_DETAIL (JSON)",
                headers=TOKEN,
                response_type="application/octet-stream",
                errors={**AUTH, **MISSING},
                tag="Shipments",
            ),
        ]
