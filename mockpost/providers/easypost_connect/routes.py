"""HTTP <-> EasyPost Connect backend: authenticate, parse, call, render. No business rule here."""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Endpoint, Param
from mockpost.core.http import JSON, read_body, read_json
from mockpost.core.middleware import TENANT_KEY
from mockpost.core.offload import off_loop
from mockpost.providers.easypost_connect import models, render
from mockpost.providers.easypost_connect.backend import ConnectBackend
from mockpost.providers.easypost_connect.errors import ConnectError, Forbidden, NotFound
from mockpost.providers.easypost_connect.files import read_file
from mockpost.providers.easypost_connect.jobs import upload_path
from mockpost.providers.easypost_connect.peppol import peppol_path
from mockpost.providers.easypost_connect.sending import sending_file_path
from mockpost.providers.easypost_connect.state import Account, Company

MANAGED = "x-managed-company-id"
AUTH_ERRORS: dict[int, Any] = {
    401: "Missing or invalid x-api-key, or invalid/expired bearer token",
    403: "x-managed-company-id names a company the caller does not manage",
}
BAD = {400: "Validation failed: message lists each problem, naming the field"}
PAGING = (
    Param("maxItems", "Page size, 1..100 (default 100)", "integer"),
    Param("after", "Id of the last item of the previous page"),
)
WINDOW = (
    Param("from", "ISO-8601 instant (or date): only items at or after it"),
    Param("until", "ISO-8601 instant (or date, the whole day): only items at or before it"),
)
HEADERS = (Param("x-managed-company-id", "Act on behalf of this managed company", location="header"),)


class ConnectRoutes:
    def __init__(self, provider: Any, backend: ConnectBackend, max_body: int) -> None:
        self.provider = provider
        self.backend = backend
        self.max_body = max_body

    # -- plumbing ------------------------------------------------------------------------------
    def caller(self, request: Request) -> tuple[Account, Company]:
        tenant = self.provider.authenticate(request)
        request.scope[TENANT_KEY] = tenant
        account: Account = self.provider.tenant_state(tenant)
        header = request.headers.get(MANAGED)
        return account, self.backend.acting(account, header if header and header.strip() else None)

    async def body(self, request: Request) -> Any:
        return await read_json(request, self.max_body)

    @staticmethod
    def base(request: Request) -> str:
        """Where the client reached this provider: scheme, host and the mount (root_path)."""
        url = request.url
        return f"{url.scheme}://{url.netloc}{request.scope.get('root_path', '')}".rstrip("/")

    @staticmethod
    def pid(request: Request, name: str = "id") -> str:
        return str(request.path_params[name])

    # -- app -----------------------------------------------------------------------------------
    async def health(self, request: Request) -> Response:
        return JSON(
            {
                "status": "ok",
                "info": {"api": {"status": "up"}},
                "error": {},
                "details": {"api": {"status": "up"}},
            }
        )

    async def token(self, request: Request) -> Response:
        raw = await read_body(request, self.max_body)
        return JSON(
            self.provider.issue_token(request, raw),
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    # -- workflows ------------------------------------------------------------------------------
    async def list_workflows(self, request: Request) -> Response:
        _, company = self.caller(request)
        return JSON([render.workflow(w) for w in self.backend.list_workflows(company, request.query_params)])

    async def get_workflow(self, request: Request) -> Response:
        _, company = self.caller(request)
        return JSON(render.workflow(self.backend.workflow(company, self.pid(request))))

    # -- jobs ------------------------------------------------------------------------------------
    async def list_jobs(self, request: Request) -> Response:
        _, company = self.caller(request)
        return JSON([render.job(j) for j in self.backend.list_jobs(company, request.query_params)])

    async def get_job(self, request: Request) -> Response:
        _, company = self.caller(request)
        return JSON(render.job(self.backend.job(company, self.pid(request))))

    def _created_job(self, job: Any, url: str) -> Response:
        return JSON(
            {
                **render.job(job),
                "fileUploadUrl": url,
                "fileUploadUrlExpiresAt": render.iso(job.upload_expires_at),
            },
            status_code=201,
        )

    async def create_single_file(self, request: Request) -> Response:
        account, company = self.caller(request)
        job, url = self.backend.create_single_file(
            account, company, await self.body(request), self.base(request)
        )
        return self._created_job(job, url)

    async def create_payload_pdf(self, request: Request) -> Response:
        account, company = self.caller(request)
        job, url = self.backend.create_payload_pdf(
            account, company, await self.body(request), self.base(request)
        )
        return self._created_job(job, url)

    async def create_payload_word(self, request: Request) -> Response:
        account, company = self.caller(request)
        job = self.backend.create_payload_word(account, company, await self.body(request))
        return JSON(render.job(job), status_code=201)

    # -- pre-signed upload and downloads (no API key: the URL is the credential) -----------------------
    def _signed(self, request: Request, method: str, path: str) -> tuple[Account, Company]:
        q = request.query_params
        problem = self.backend.signer.problem(
            method, path, q.get("expires"), q.get("signature"), self.backend.ctx.clock.timestamp()
        )
        if problem:
            raise Forbidden(problem)
        tenant = self.pid(request, "tenant")
        account = self.backend.ctx.store.existing(self.provider.name, tenant)
        company = account.companies.get(self.pid(request, "companyId")) if account is not None else None
        if account is None or company is None:
            raise ConnectError(404, "The resource behind this URL no longer exists")
        request.scope[TENANT_KEY] = tenant
        return account, company

    async def upload(self, request: Request) -> Response:
        p = request.path_params
        account, company = self._signed(request, "PUT", upload_path(p["tenant"], p["companyId"], p["jobId"]))
        data = await read_body(request, self.max_body)
        kind = self.backend.upload_kind(company, p["jobId"])
        read = await off_loop(read_file, kind, data)  # reading a large or crafted file can be slow
        self.backend.receive_upload(account, company, p["jobId"], data, read)
        return Response(status_code=200, headers={"ETag": f'"{hashlib.md5(data).hexdigest()}"'})

    async def download_sending_file(self, request: Request) -> Response:
        p = request.path_params
        path = sending_file_path(p["tenant"], p["companyId"], p["eventId"], p["fileReference"])
        _, company = self._signed(request, "GET", path)
        content = self.backend.file_bytes(company, p["eventId"], p["fileReference"])
        name = f"{p['fileReference'].lower()}-{p['eventId']}.pdf"
        return Response(
            content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def download_peppol(self, request: Request) -> Response:
        p = request.path_params
        _, company = self._signed(request, "GET", peppol_path(p["tenant"], p["companyId"], p["documentId"]))
        document = company.peppol.get(p["documentId"])
        if document is None:
            raise NotFound("Peppol document", p["documentId"])
        return Response(
            document.xml,
            media_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{document.id}.xml"'},
        )

    # -- sending events ----------------------------------------------------------------------------
    async def list_sending_events(self, request: Request) -> Response:
        _, company = self.caller(request)
        found = self.backend.list_sending_events(company, request.query_params)
        return JSON([render.sending_event(e) for e in found])

    async def get_sending_event(self, request: Request) -> Response:
        _, company = self.caller(request)
        return JSON(render.sending_event(self.backend.sending_event(company, self.pid(request))))

    async def resend(self, request: Request) -> Response:
        account, company = self.caller(request)
        return JSON(
            render.sending_event(self.backend.resend(account, company, self.pid(request))), status_code=201
        )

    async def sending_file_url(self, request: Request) -> Response:
        account, company = self.caller(request)
        url, expires = self.backend.file_download(
            account, company, self.pid(request), self.pid(request, "fileReference"), self.base(request)
        )
        return JSON({"url": url, "expiresAt": render.iso(expires)})

    # -- peppol ----------------------------------------------------------------------------------------
    async def list_peppol(self, request: Request) -> Response:
        _, company = self.caller(request)
        return JSON([render.peppol(d) for d in self.backend.list_peppol(company, request.query_params)])

    async def get_peppol(self, request: Request) -> Response:
        _, company = self.caller(request)
        document = self.backend.peppol_document(company, self.pid(request, "senderId"), self.pid(request))
        return JSON(render.peppol(document))

    async def peppol_url(self, request: Request) -> Response:
        account, company = self.caller(request)
        url, expires = self.backend.peppol_download(
            account, company, self.pid(request, "senderId"), self.pid(request), self.base(request)
        )
        return JSON({"url": url, "expiresAt": render.iso(expires)})

    # -- companies, departments, users ---------------------------------------------------------------
    async def create_company(self, request: Request) -> Response:
        account, _ = self.caller(request)
        return JSON(
            render.company(self.backend.create_company(account, await self.body(request))), status_code=201
        )

    async def list_companies(self, request: Request) -> Response:
        account, _ = self.caller(request)
        return JSON([render.company(c) for c in self.backend.list_companies(account)])

    async def get_company(self, request: Request) -> Response:
        account, _ = self.caller(request)
        return JSON(render.company(self.backend.company(account, self.pid(request))))

    async def update_company(self, request: Request) -> Response:
        account, _ = self.caller(request)
        company = self.backend.update_company(account, self.pid(request), await self.body(request))
        return JSON(render.company(company))

    async def create_department(self, request: Request) -> Response:
        account, company = self.caller(request)
        department = self.backend.create_department(account, company, await self.body(request))
        return JSON(render.department(department), status_code=201)

    async def list_departments(self, request: Request) -> Response:
        account, company = self.caller(request)
        return JSON([render.department(d) for d in self.backend.list_departments(account, company)])

    async def get_department(self, request: Request) -> Response:
        account, company = self.caller(request)
        return JSON(render.department(self.backend.department(account, company, self.pid(request))))

    async def update_department(self, request: Request) -> Response:
        account, company = self.caller(request)
        department = self.backend.update_department(
            account, company, self.pid(request), await self.body(request)
        )
        return JSON(render.department(department))

    async def create_user(self, request: Request) -> Response:
        account, company = self.caller(request)
        return JSON(
            render.user(self.backend.create_user(account, company, await self.body(request))), status_code=201
        )

    async def list_users(self, request: Request) -> Response:
        account, company = self.caller(request)
        return JSON([render.user(u) for u in self.backend.list_users(account, company)])

    async def get_user(self, request: Request) -> Response:
        account, company = self.caller(request)
        return JSON(render.user(self.backend.user(account, company, self.pid(request))))

    async def update_user(self, request: Request) -> Response:
        account, company = self.caller(request)
        user = self.backend.update_user(account, company, self.pid(request), await self.body(request))
        return JSON(render.user(user))

    # -- usage -------------------------------------------------------------------------------------------
    async def usage(self, request: Request) -> Response:
        _, company = self.caller(request)
        return JSON(self.backend.usage(company, request.query_params))

    async def usage_details(self, request: Request) -> Response:
        _, company = self.caller(request)
        return JSON(
            [render.usage_record(r) for r in self.backend.usage_details(company, request.query_params)]
        )

    # -- webhooks -----------------------------------------------------------------------------------------
    async def create_webhook(self, request: Request) -> Response:
        _, company = self.caller(request)
        subscription = self.backend.create_subscription(company, await self.body(request))
        return JSON(render.subscription(subscription, with_secret=True), status_code=201)

    async def list_webhooks(self, request: Request) -> Response:
        _, company = self.caller(request)
        return JSON([render.subscription(s) for s in self.backend.list_subscriptions(company)])

    async def get_webhook(self, request: Request) -> Response:
        _, company = self.caller(request)
        return JSON(render.subscription(self.backend.subscription(company, self.pid(request))))

    async def update_webhook(self, request: Request) -> Response:
        _, company = self.caller(request)
        subscription = self.backend.update_subscription(company, self.pid(request), await self.body(request))
        return JSON(render.subscription(subscription))

    async def delete_webhook(self, request: Request) -> Response:
        _, company = self.caller(request)
        self.backend.delete_subscription(company, self.pid(request))
        return Response(status_code=200)

    async def reset_secret(self, request: Request) -> Response:
        _, company = self.caller(request)
        subscription = self.backend.reset_secret(company, self.pid(request))
        return JSON(render.subscription(subscription, with_secret=True))

    async def test_webhook(self, request: Request) -> Response:
        account, company = self.caller(request)
        delivery = self.backend.test_delivery(account, company, self.pid(request), await self.body(request))
        status = await self.backend.ctx.outbox.deliver_now(delivery)
        result: dict[str, Any] = {"statusCode": status}
        if status is None and delivery.attempts:
            result["error"] = delivery.attempts[-1].error
        return JSON(result)

    # -- the table ------------------------------------------------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        E = Endpoint
        auth = {**AUTH_ERRORS}
        nf = {404: "Not found (or not the acting company's)"}
        se = "/sending-events/{id}"
        peppol_doc = "/peppol-incoming-documents/sender/{senderId}/document/{id}"
        return [
            E(
                "GET",
                "/health",
                self.health,
                "AppController_getHealthStatus",
                response=models.Health,
                tag="App",
                public=True,
            ),
            E(
                "POST",
                "/oauth2/token",
                self.token,
                "OAuth2 client credentials: an access token (mock's token URL)",
                response=models.TokenOut,
                tag="Auth",
                public=True,
                content_type="application/x-www-form-urlencoded",
                errors={400: "invalid_request / unsupported_grant_type", 401: "invalid_client"},
            ),
            # jobs
            E(
                "GET",
                "/jobs/{id}",
                self.get_job,
                "Retrieve Job based on ID",
                response=models.JobOut,
                tag="Jobs",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            E(
                "GET",
                "/jobs",
                self.list_jobs,
                "Retrieve Jobs sorted by ascending startDate and filters",
                response=list[models.JobOut],
                tag="Jobs",
                headers=HEADERS,
                query=(*PAGING, *WINDOW, Param("status", "Job status"), Param("workflowId", "Workflow id")),
                errors={**auth, **BAD},
            ),
            E(
                "POST",
                "/jobs/single-file",
                self.create_single_file,
                "Create Job for a single file workflow",
                body=models.SingleFileJobCreate,
                response=models.JobCreated,
                status=201,
                tag="Jobs",
                headers=HEADERS,
                errors={**auth, **BAD, **nf, 415: "filename's extension is not one the workflow accepts"},
            ),
            E(
                "POST",
                "/jobs/payload-pdf",
                self.create_payload_pdf,
                "Create Job for a payload PDF workflow",
                body=models.PayloadPdfJobCreate,
                response=models.JobCreated,
                status=201,
                tag="Jobs",
                headers=HEADERS,
                errors={**auth, **BAD, **nf, 415: "filename does not end in .pdf"},
            ),
            E(
                "POST",
                "/jobs/payload-word",
                self.create_payload_word,
                "Create Job for a payload Word workflow",
                body=models.PayloadWordJobCreate,
                response=models.JobOut,
                status=201,
                tag="Jobs",
                headers=HEADERS,
                errors={**auth, **BAD, **nf, 415: "filename is not a Word document"},
            ),
            # sending events
            E(
                "GET",
                se,
                self.get_sending_event,
                "Retrieve SendingEvent based on ID",
                response=models.SendingEventOut,
                tag="SendingEvents",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            E(
                "GET",
                "/sending-events",
                self.list_sending_events,
                "Retrieve SendingEvents sorted by ascending start date and filters",
                response=list[models.SendingEventOut],
                tag="SendingEvents",
                headers=HEADERS,
                query=(
                    *PAGING,
                    *WINDOW,
                    Param("jobId", "Job id"),
                    Param("businessStatus", "Business status"),
                    Param("workflowId", "Workflow id"),
                ),
                errors={**auth, **BAD},
            ),
            E(
                "POST",
                se + "/resend",
                self.resend,
                "Re-send a completed SendingEvent",
                response=models.SendingEventOut,
                status=201,
                tag="SendingEvents",
                headers=HEADERS,
                errors={**auth, **nf, 409: "Not in a final state, or itself a re-send"},
            ),
            E(
                "GET",
                se + "/files/{fileReference}/download-url",
                self.sending_file_url,
                "Pre-signed URL to download SendingEvent files (ePod, Submission Report)",
                response=models.DownloadUrl,
                tag="SendingEvents",
                headers=HEADERS,
                errors={**auth, **nf, 400: "fileReference is not SUBMISSION_REPORT or EPOD"},
            ),
            # workflows
            E(
                "GET",
                "/workflows/{id}",
                self.get_workflow,
                "Retrieve Workflow configuration based on ID",
                response=models.WorkflowOut,
                tag="Workflows",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            E(
                "GET",
                "/workflows",
                self.list_workflows,
                "Retrieve Workflow configurations",
                response=list[models.WorkflowOut],
                tag="Workflows",
                headers=HEADERS,
                query=(*PAGING, Param("inputSource", "SINGLE_FILE, PAYLOAD_PDF or PAYLOAD_WORD")),
                errors={**auth, **BAD},
            ),
            # peppol
            E(
                "GET",
                "/peppol-incoming-documents",
                self.list_peppol,
                "Retrieve incoming Peppol documents with sorting and filters",
                response=list[models.PeppolDocumentOut],
                tag="Peppol Incoming Documents",
                headers=HEADERS,
                query=(
                    Param("sortField", "createdAt (default) or lastModifiedAt"),
                    Param("sortOrder", "desc (default) or asc"),
                    *WINDOW,
                    *PAGING,
                ),
                errors={**auth, **BAD},
            ),
            E(
                "GET",
                peppol_doc,
                self.get_peppol,
                "Retrieve incoming Peppol document based on ID",
                response=models.PeppolDocumentOut,
                tag="Peppol Incoming Documents",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            E(
                "GET",
                peppol_doc + "/download-url",
                self.peppol_url,
                "Pre-signed download URL of an incoming Peppol document (valid 10 minutes)",
                response=models.DownloadUrl,
                tag="Peppol Incoming Documents",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            # companies
            E(
                "POST",
                "/companies",
                self.create_company,
                "Create a Company",
                body=models.CompanyCreate,
                response=models.CompanyOut,
                status=201,
                tag="Companies",
                headers=HEADERS,
                errors={**auth, **BAD, 409: "vatNumber already used"},
            ),
            E(
                "GET",
                "/companies",
                self.list_companies,
                "Retrieve all managed companies",
                response=list[models.CompanyOut],
                tag="Companies",
                headers=HEADERS,
                errors=auth,
            ),
            E(
                "GET",
                "/companies/{id}",
                self.get_company,
                "Retrieve a Company based on ID",
                response=models.CompanyOut,
                tag="Companies",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            E(
                "PATCH",
                "/companies/{id}",
                self.update_company,
                "Update a Company based on ID",
                body=models.CompanyUpdate,
                response=models.CompanyOut,
                tag="Companies",
                headers=HEADERS,
                errors={**auth, **BAD, **nf, 409: "vatNumber already used"},
            ),
            # departments
            E(
                "POST",
                "/departments",
                self.create_department,
                "Create a Department",
                body=models.DepartmentCreate,
                response=models.DepartmentOut,
                status=201,
                tag="Departments",
                headers=HEADERS,
                errors={**auth, **BAD},
            ),
            E(
                "GET",
                "/departments",
                self.list_departments,
                "Retrieve all managed departments",
                response=list[models.DepartmentOut],
                tag="Departments",
                headers=HEADERS,
                errors=auth,
            ),
            E(
                "PATCH",
                "/departments/{id}",
                self.update_department,
                "Update a Department based on ID",
                body=models.DepartmentUpdate,
                response=models.DepartmentOut,
                tag="Departments",
                headers=HEADERS,
                errors={**auth, **BAD, **nf},
            ),
            E(
                "GET",
                "/departments/{id}",
                self.get_department,
                "Retrieve a Department based on ID",
                response=models.DepartmentOut,
                tag="Departments",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            # users
            E(
                "POST",
                "/users",
                self.create_user,
                "Create a User",
                body=models.UserCreate,
                response=models.UserOut,
                status=201,
                tag="Users",
                headers=HEADERS,
                errors={**auth, **BAD, 409: "A user with this email exists"},
            ),
            E(
                "GET",
                "/users",
                self.list_users,
                "Retrieve all managed users",
                response=list[models.UserOut],
                tag="Users",
                headers=HEADERS,
                errors=auth,
            ),
            E(
                "PATCH",
                "/users/{id}",
                self.update_user,
                "Update a User based on ID",
                body=models.UserUpdate,
                response=models.UserOut,
                tag="Users",
                headers=HEADERS,
                errors={**auth, **BAD, **nf, 409: "A user with this email exists"},
            ),
            E(
                "GET",
                "/users/{id}",
                self.get_user,
                "Retrieve a User based on ID",
                response=models.UserOut,
                tag="Users",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            # usage
            E(
                "GET",
                "/usage",
                self.usage,
                "Retrieve usage data for a specific company",
                response=models.UsageOut,
                tag="Usage",
                headers=HEADERS,
                query=WINDOW,
                errors={**auth, **BAD},
            ),
            E(
                "GET",
                "/usage/details",
                self.usage_details,
                "Retrieve detailed usage events for a specific company",
                response=list[models.UsageEventOut],
                tag="Usage",
                headers=HEADERS,
                query=(*WINDOW, Param("channel", "Only this channel"), *PAGING),
                errors={**auth, **BAD},
            ),
            # webhooks
            E(
                "POST",
                "/webhooks",
                self.create_webhook,
                "Create a webhook subscription",
                body=models.WebhookCreate,
                response=models.WebhookWithSecret,
                status=201,
                tag="Webhook subscriptions",
                headers=HEADERS,
                errors={**auth, **BAD},
            ),
            E(
                "GET",
                "/webhooks",
                self.list_webhooks,
                "Retrieve all webhook subscriptions",
                response=list[models.WebhookOut],
                tag="Webhook subscriptions",
                headers=HEADERS,
                errors=auth,
            ),
            E(
                "GET",
                "/webhooks/{id}",
                self.get_webhook,
                "Retrieve a webhook subscription",
                response=models.WebhookOut,
                tag="Webhook subscriptions",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            E(
                "PATCH",
                "/webhooks/{id}",
                self.update_webhook,
                "Update a webhook subscription",
                body=models.WebhookUpdate,
                response=models.WebhookOut,
                tag="Webhook subscriptions",
                headers=HEADERS,
                errors={**auth, **BAD, **nf},
            ),
            E(
                "DELETE",
                "/webhooks/{id}",
                self.delete_webhook,
                "Delete a webhook subscription",
                tag="Webhook subscriptions",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            E(
                "POST",
                "/webhooks/{id}/reset-secret",
                self.reset_secret,
                "Reset a webhook secret (shown once)",
                response=models.WebhookWithSecret,
                tag="Webhook subscriptions",
                headers=HEADERS,
                errors={**auth, **nf},
            ),
            E(
                "POST",
                "/webhooks/{id}/test",
                self.test_webhook,
                "Send a test event; the receiver's HTTP status",
                body=models.WebhookTest,
                response=models.WebhookTestResult,
                tag="Webhook subscriptions",
                headers=HEADERS,
                errors={**auth, **BAD, **nf},
            ),
            # the mock's own pre-signed URLs
            E(
                "PUT",
                "/uploads/{tenant}/{companyId}/{jobId}",
                self.upload,
                "Pre-signed upload URL of a job (fileUploadUrl): raw file body, no API key",
                tag="Pre-signed URLs",
                public=True,
                content_type="application/octet-stream",
                query=(
                    Param("expires", "Epoch seconds", required=True),
                    Param("signature", "HMAC", required=True),
                ),
                errors={403: "Expired or altered URL", 404: "Job gone", 409: "File already received"},
            ),
            E(
                "GET",
                "/downloads/{tenant}/{companyId}/sending-events/{eventId}/{fileReference}",
                self.download_sending_file,
                "Pre-signed download of a SendingEvent file (PDF)",
                tag="Pre-signed URLs",
                public=True,
                response_type="application/pdf",
                query=(
                    Param("expires", "Epoch seconds", required=True),
                    Param("signature", "HMAC", required=True),
                ),
                errors={403: "Expired or altered URL", 404: "Gone"},
            ),
            E(
                "GET",
                "/downloads/{tenant}/{companyId}/peppol/{documentId}",
                self.download_peppol,
                "Pre-signed download of an incoming Peppol document (UBL XML)",
                tag="Pre-signed URLs",
                public=True,
                response_type="application/xml",
                query=(
                    Param("expires", "Epoch seconds", required=True),
                    Param("signature", "HMAC", required=True),
                ),
                errors={403: "Expired or altered URL", 404: "Gone"},
            ),
        ]
