"""HTTP <-> EasyPost Connect backend: authenticate, parse, call, render. No business rule here.

Each handler carries its endpoint (path, summary, documented answers); routes are matched in the
order they are written. This module holds the plumbing every table shares and the jobs side of the
API (health, token, jobs, sending events, workflows, the mock's pre-signed URLs); account_routes.py
holds the account side (Peppol, companies, departments, users, usage, webhooks), control_routes.py
the control plane's."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Param, route
from mockpost.core.http import JSON, read_body, read_json
from mockpost.core.offload import off_loop
from mockpost.core.provider import tag
from mockpost.providers.easypost_connect import models, oauth, wire
from mockpost.providers.easypost_connect.backend import ConnectBackend
from mockpost.providers.easypost_connect.errors import ConnectError, Forbidden
from mockpost.providers.easypost_connect.files import read_file
from mockpost.providers.easypost_connect.jobs import upload_path
from mockpost.providers.easypost_connect.peppol import peppol_path
from mockpost.providers.easypost_connect.sending import sending_file_path
from mockpost.providers.easypost_connect.state import Account, Company, Job

if TYPE_CHECKING:
    from mockpost.providers.easypost_connect.provider import EasyPostConnectProvider

B = TypeVar("B", bound=models.Body)
H = TypeVar("H", bound=Callable[..., Any])
T = TypeVar("T")

MANAGED = "x-managed-company-id"
AUTH_ERRORS: dict[int, Any] = {
    401: "Missing or invalid x-api-key, or invalid/expired bearer token",
    403: "x-managed-company-id names a company the caller does not manage",
}
BAD = {400: "Validation failed: message lists each problem, naming the field"}
NOT_FOUND = {404: "Not found (or not the acting company's)"}
PAGING = (
    Param("maxItems", "Page size, 1..100 (default 100)", "integer"),
    Param("after", "Id of the last item of the previous page"),
)
WINDOW = (
    Param("from", "ISO-8601 instant (or date): only items at or after it"),
    Param("until", "ISO-8601 instant (or date, the whole day): only items at or before it"),
)
HEADERS = (Param(MANAGED, "Act on behalf of this managed company", location="header"),)
JOB_QUERY = (*PAGING, *WINDOW, Param("status", "Job status"), Param("workflowId", "Workflow id"))
EVENT_QUERY = (
    *PAGING,
    *WINDOW,
    Param("jobId", "Job id"),
    Param("businessStatus", "Business status"),
    Param("workflowId", "Workflow id"),
)
WORKFLOW_QUERY = (*PAGING, Param("inputSource", "SINGLE_FILE, PAYLOAD_PDF or PAYLOAD_WORD"))
SIGNED = (Param("expires", "Epoch seconds", required=True), Param("signature", "HMAC", required=True))
SIGNED_ERRORS = {403: "Expired or altered URL", 404: "Gone"}
SENDING_EVENT = "/sending-events/{id}"


def api(
    method: str, path: str, summary: str, tag: str, errors: dict[int, Any] | None = None, **spec: Any
) -> Callable[[H], H]:
    """An endpoint of the API proper: x-api-key (401), x-managed-company-id (403), and `errors`."""
    return route(
        method, path, summary, tag=tag, headers=HEADERS, errors={**AUTH_ERRORS, **(errors or {})}, **spec
    )


class Http:
    """What every handler does around the backend call: who calls, for which company, with what."""

    def __init__(self, provider: EasyPostConnectProvider, backend: ConnectBackend, max_body: int) -> None:
        self.provider = provider
        self.backend = backend
        self.max_body = max_body

    def caller(self, request: Request) -> tuple[Account, Company]:
        """The caller's account and the company it acts for (x-managed-company-id)."""
        account: Account = self.provider.resolve(request)
        header = request.headers.get(MANAGED)
        return account, self.backend.directory.acting(account, header if header and header.strip() else None)

    async def body(self, request: Request, model: type[B], empty: Any = None) -> B:
        return models.parse(model, await read_json(request, self.max_body, empty=empty))

    def one(
        self, request: Request, find: Callable[[Company, str], T], render: Callable[[T], Any]
    ) -> Response:
        """An object of the acting company by the id in the path."""
        _, company = self.caller(request)
        return JSON(render(find(company, pid(request))))

    def page(
        self,
        request: Request,
        page: Callable[[Company, Mapping[str, str]], list[T]],
        render: Callable[[T], Any],
    ) -> Response:
        """A page of the acting company's objects, as the query asks."""
        _, company = self.caller(request)
        return JSON([render(item) for item in page(company, request.query_params)])

    @staticmethod
    def base(request: Request) -> str:
        """Where the client reached this provider: scheme, host and the mount (root_path)."""
        url = request.url
        return f"{url.scheme}://{url.netloc}{request.scope.get('root_path', '')}".rstrip("/")


def pid(request: Request, name: str = "id") -> str:
    return str(request.path_params[name])


class ConnectRoutes:
    def __init__(self, http: Http) -> None:
        self.http = http
        self.backend = http.backend

    # -- app -----------------------------------------------------------------------------------
    @route("GET", "/health", "AppController_getHealthStatus", response=models.Health, tag="App", public=True)
    async def health(self, request: Request) -> Response:
        return JSON(
            {
                "status": "ok",
                "info": {"api": {"status": "up"}},
                "error": {},
                "details": {"api": {"status": "up"}},
            }
        )

    @route(
        "POST",
        "/oauth2/token",
        "OAuth2 client credentials: an access token (mock's token URL)",
        response=models.TokenOut,
        tag="Auth",
        public=True,
        content_type="application/x-www-form-urlencoded",
        errors={400: "invalid_request / unsupported_grant_type", 401: "invalid_client"},
    )
    async def token(self, request: Request) -> Response:
        raw = await read_body(request, self.http.max_body)
        fields = oauth.form_fields(request.headers.get("content-type", ""), raw)
        return JSON(
            self.http.provider.tokens.issue(fields, request.headers.get("authorization", "")),
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    # -- jobs ------------------------------------------------------------------------------------
    @api("GET", "/jobs/{id}", "Retrieve Job based on ID", "Jobs", NOT_FOUND, response=models.JobOut)
    async def get_job(self, request: Request) -> Response:
        return self.http.one(request, self.backend.jobs.get, wire.job)

    @api(
        "GET",
        "/jobs",
        "Retrieve Jobs sorted by ascending startDate and filters",
        "Jobs",
        BAD,
        response=list[models.JobOut],
        query=JOB_QUERY,
    )
    async def list_jobs(self, request: Request) -> Response:
        return self.http.page(request, self.backend.jobs.page, wire.job)

    @api(
        "POST",
        "/jobs/single-file",
        "Create Job for a single file workflow",
        "Jobs",
        {**BAD, **NOT_FOUND, 415: "filename's extension is not one the workflow accepts"},
        body=models.SingleFileJobCreate,
        response=models.JobCreated,
        status=201,
    )
    async def create_single_file(self, request: Request) -> Response:
        return await self._awaiting_file(
            request, models.SingleFileJobCreate, self.backend.jobs.create_single_file
        )

    @api(
        "POST",
        "/jobs/payload-pdf",
        "Create Job for a payload PDF workflow",
        "Jobs",
        {**BAD, **NOT_FOUND, 415: "filename does not end in .pdf"},
        body=models.PayloadPdfJobCreate,
        response=models.JobCreated,
        status=201,
    )
    async def create_payload_pdf(self, request: Request) -> Response:
        return await self._awaiting_file(
            request, models.PayloadPdfJobCreate, self.backend.jobs.create_payload_pdf
        )

    async def _awaiting_file(
        self, request: Request, model: type[B], create: Callable[[Account, Company, B, str], tuple[Job, str]]
    ) -> Response:
        """A job created to await its file: the job and its upload URL."""
        account, company = self.http.caller(request)
        data = await self.http.body(request, model)
        job, url = create(account, company, data, self.http.base(request))
        return JSON(wire.job_created(job, url), status_code=201)

    @api(
        "POST",
        "/jobs/payload-word",
        "Create Job for a payload Word workflow",
        "Jobs",
        {**BAD, **NOT_FOUND, 415: "filename is not a Word document"},
        body=models.PayloadWordJobCreate,
        response=models.JobOut,
        status=201,
    )
    async def create_payload_word(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        data = await self.http.body(request, models.PayloadWordJobCreate)
        return JSON(wire.job(self.backend.jobs.create_payload_word(account, company, data)), status_code=201)

    # -- sending events ----------------------------------------------------------------------------
    @api(
        "GET",
        SENDING_EVENT,
        "Retrieve SendingEvent based on ID",
        "SendingEvents",
        NOT_FOUND,
        response=models.SendingEventOut,
    )
    async def get_sending_event(self, request: Request) -> Response:
        return self.http.one(request, self.backend.sending.get, wire.sending_event)

    @api(
        "GET",
        "/sending-events",
        "Retrieve SendingEvents sorted by ascending start date and filters",
        "SendingEvents",
        BAD,
        response=list[models.SendingEventOut],
        query=EVENT_QUERY,
    )
    async def list_sending_events(self, request: Request) -> Response:
        return self.http.page(request, self.backend.sending.page, wire.sending_event)

    @api(
        "POST",
        SENDING_EVENT + "/resend",
        "Re-send a completed SendingEvent",
        "SendingEvents",
        {**NOT_FOUND, 409: "Not in a final state, or itself a re-send"},
        response=models.SendingEventOut,
        status=201,
    )
    async def resend(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        return JSON(
            wire.sending_event(self.backend.sending.resend(account, company, pid(request))), status_code=201
        )

    @api(
        "GET",
        SENDING_EVENT + "/files/{fileReference}/download-url",
        "Pre-signed URL to download SendingEvent files (ePod, Submission Report)",
        "SendingEvents",
        {**NOT_FOUND, 400: "fileReference is not SUBMISSION_REPORT or EPOD"},
        response=models.DownloadUrl,
    )
    async def sending_file_url(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        url, expires = self.backend.sending.download_url(
            account, company, pid(request), pid(request, "fileReference"), self.http.base(request)
        )
        return JSON(wire.download_url(url, expires))

    # -- workflows ------------------------------------------------------------------------------
    @api(
        "GET",
        "/workflows/{id}",
        "Retrieve Workflow configuration based on ID",
        "Workflows",
        NOT_FOUND,
        response=models.WorkflowOut,
    )
    async def get_workflow(self, request: Request) -> Response:
        return self.http.one(request, self.backend.workflows.get, wire.workflow)

    @api(
        "GET",
        "/workflows",
        "Retrieve Workflow configurations",
        "Workflows",
        BAD,
        response=list[models.WorkflowOut],
        query=WORKFLOW_QUERY,
    )
    async def list_workflows(self, request: Request) -> Response:
        return self.http.page(request, self.backend.workflows.page, wire.workflow)

    # -- the mock's own pre-signed URLs (no API key: the URL is the credential) -------------------
    def _signed(self, request: Request, method: str, path: str) -> tuple[Account, Company]:
        q = request.query_params
        problem = self.backend.signer.problem(
            method, path, q.get("expires"), q.get("signature"), self.backend.ctx.clock.timestamp()
        )
        if problem:
            raise Forbidden(problem)
        tenant = pid(request, "tenant")
        account = self.backend.ctx.store.existing(self.http.provider.name, tenant)
        company = account.companies.get(pid(request, "companyId")) if account is not None else None
        if account is None or company is None:
            raise ConnectError(404, "The resource behind this URL no longer exists")
        tag(request, tenant)
        return account, company

    @route(
        "PUT",
        "/uploads/{tenant}/{companyId}/{jobId}",
        "Pre-signed upload URL of a job (fileUploadUrl): raw file body, no API key",
        tag="Pre-signed URLs",
        public=True,
        content_type="application/octet-stream",
        query=SIGNED,
        errors={403: "Expired or altered URL", 404: "Job gone", 409: "File already received"},
    )
    async def upload(self, request: Request) -> Response:
        p = request.path_params
        account, company = self._signed(request, "PUT", upload_path(p["tenant"], p["companyId"], p["jobId"]))
        data = await read_body(request, self.http.max_body)
        kind = self.backend.jobs.upload_kind(company, p["jobId"])
        read = await off_loop(read_file, kind, data, size=len(data))  # a large or crafted file can be slow
        self.backend.jobs.receive_upload(account, company, p["jobId"], data, read)
        return Response(status_code=200, headers={"ETag": f'"{hashlib.md5(data).hexdigest()}"'})

    @route(
        "GET",
        "/downloads/{tenant}/{companyId}/sending-events/{eventId}/{fileReference}",
        "Pre-signed download of a SendingEvent file (PDF)",
        tag="Pre-signed URLs",
        public=True,
        response_type="application/pdf",
        query=SIGNED,
        errors=SIGNED_ERRORS,
    )
    async def download_sending_file(self, request: Request) -> Response:
        p = request.path_params
        path = sending_file_path(p["tenant"], p["companyId"], p["eventId"], p["fileReference"])
        _, company = self._signed(request, "GET", path)
        content = self.backend.sending.file_bytes(company, p["eventId"], p["fileReference"])
        name = f"{p['fileReference'].lower()}-{p['eventId']}.pdf"
        return Response(
            content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @route(
        "GET",
        "/downloads/{tenant}/{companyId}/peppol/{documentId}",
        "Pre-signed download of an incoming Peppol document (UBL XML)",
        tag="Pre-signed URLs",
        public=True,
        response_type="application/xml",
        query=SIGNED,
        errors=SIGNED_ERRORS,
    )
    async def download_peppol(self, request: Request) -> Response:
        p = request.path_params
        _, company = self._signed(request, "GET", peppol_path(p["tenant"], p["companyId"], p["documentId"]))
        document = self.backend.peppol.stored(company, p["documentId"])
        return Response(
            document.xml,
            media_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{document.id}.xml"'},
        )
