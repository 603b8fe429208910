"""HTTP <-> EasyPost Connect backend, the account side of the API: incoming Peppol documents,
companies, departments, users, usage and webhook subscriptions. No business rule here; the
plumbing and the jobs side are in routes.py."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Param
from mockpost.core.http import JSON
from mockpost.providers.easypost_connect import models, wire
from mockpost.providers.easypost_connect.routes import BAD, NOT_FOUND, PAGING, WINDOW, Http, api, pid

PEPPOL_DOCUMENT = "/peppol-incoming-documents/sender/{senderId}/document/{id}"
PEPPOL_QUERY = (
    Param("sortField", "createdAt (default) or lastModifiedAt"),
    Param("sortOrder", "desc (default) or asc"),
    *WINDOW,
    *PAGING,
)
USAGE_DETAILS_QUERY = (*WINDOW, Param("channel", "Only this channel"), *PAGING)
VAT_TAKEN = {409: "vatNumber already used"}
EMAIL_TAKEN = {409: "A user with this email exists"}


class AccountRoutes:
    def __init__(self, http: Http) -> None:
        self.http = http
        self.backend = http.backend

    # -- peppol ----------------------------------------------------------------------------------
    @api(
        "GET",
        "/peppol-incoming-documents",
        "Retrieve incoming Peppol documents with sorting and filters",
        "Peppol Incoming Documents",
        BAD,
        response=list[models.PeppolDocumentOut],
        query=PEPPOL_QUERY,
    )
    async def list_peppol(self, request: Request) -> Response:
        return self.http.page(request, self.backend.peppol.page, wire.peppol)

    @api(
        "GET",
        PEPPOL_DOCUMENT,
        "Retrieve incoming Peppol document based on ID",
        "Peppol Incoming Documents",
        NOT_FOUND,
        response=models.PeppolDocumentOut,
    )
    async def get_peppol(self, request: Request) -> Response:
        _, company = self.http.caller(request)
        return JSON(
            wire.peppol(self.backend.peppol.document(company, pid(request, "senderId"), pid(request)))
        )

    @api(
        "GET",
        PEPPOL_DOCUMENT + "/download-url",
        "Pre-signed download URL of an incoming Peppol document (valid 10 minutes)",
        "Peppol Incoming Documents",
        NOT_FOUND,
        response=models.DownloadUrl,
    )
    async def peppol_url(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        url, expires = self.backend.peppol.download_url(
            account, company, pid(request, "senderId"), pid(request), self.http.base(request)
        )
        return JSON(wire.download_url(url, expires))

    # -- companies --------------------------------------------------------------------------------
    @api(
        "POST",
        "/companies",
        "Create a Company",
        "Companies",
        {**BAD, **VAT_TAKEN},
        body=models.CompanyCreate,
        response=models.CompanyOut,
        status=201,
    )
    async def create_company(self, request: Request) -> Response:
        account, _ = self.http.caller(request)
        data = await self.http.body(request, models.CompanyCreate)
        return JSON(wire.company(self.backend.directory.create_company(account, data)), status_code=201)

    @api("GET", "/companies", "Retrieve all managed companies", "Companies", response=list[models.CompanyOut])
    async def list_companies(self, request: Request) -> Response:
        account, _ = self.http.caller(request)
        return JSON([wire.company(c) for c in self.backend.directory.companies(account)])

    @api(
        "GET",
        "/companies/{id}",
        "Retrieve a Company based on ID",
        "Companies",
        NOT_FOUND,
        response=models.CompanyOut,
    )
    async def get_company(self, request: Request) -> Response:
        account, _ = self.http.caller(request)
        return JSON(wire.company(self.backend.directory.company(account, pid(request))))

    @api(
        "PATCH",
        "/companies/{id}",
        "Update a Company based on ID",
        "Companies",
        {**BAD, **NOT_FOUND, **VAT_TAKEN},
        body=models.CompanyUpdate,
        response=models.CompanyOut,
    )
    async def update_company(self, request: Request) -> Response:
        account, _ = self.http.caller(request)
        data = await self.http.body(request, models.CompanyUpdate)
        return JSON(wire.company(self.backend.directory.update_company(account, pid(request), data)))

    # -- departments ------------------------------------------------------------------------------
    @api(
        "POST",
        "/departments",
        "Create a Department",
        "Departments",
        BAD,
        body=models.DepartmentCreate,
        response=models.DepartmentOut,
        status=201,
    )
    async def create_department(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        data = await self.http.body(request, models.DepartmentCreate)
        department = self.backend.directory.create_department(account, company, data)
        return JSON(wire.department(department), status_code=201)

    @api(
        "GET",
        "/departments",
        "Retrieve all managed departments",
        "Departments",
        response=list[models.DepartmentOut],
    )
    async def list_departments(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        return JSON([wire.department(d) for d in self.backend.directory.departments(account, company)])

    @api(
        "PATCH",
        "/departments/{id}",
        "Update a Department based on ID",
        "Departments",
        {**BAD, **NOT_FOUND},
        body=models.DepartmentUpdate,
        response=models.DepartmentOut,
    )
    async def update_department(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        data = await self.http.body(request, models.DepartmentUpdate)
        department = self.backend.directory.update_department(account, company, pid(request), data)
        return JSON(wire.department(department))

    @api(
        "GET",
        "/departments/{id}",
        "Retrieve a Department based on ID",
        "Departments",
        NOT_FOUND,
        response=models.DepartmentOut,
    )
    async def get_department(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        return JSON(wire.department(self.backend.directory.department(account, company, pid(request))))

    # -- users ------------------------------------------------------------------------------------
    @api(
        "POST",
        "/users",
        "Create a User",
        "Users",
        {**BAD, **EMAIL_TAKEN},
        body=models.UserCreate,
        response=models.UserOut,
        status=201,
    )
    async def create_user(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        data = await self.http.body(request, models.UserCreate)
        return JSON(wire.user(self.backend.directory.create_user(account, company, data)), status_code=201)

    @api("GET", "/users", "Retrieve all managed users", "Users", response=list[models.UserOut])
    async def list_users(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        return JSON([wire.user(u) for u in self.backend.directory.users(account, company)])

    @api(
        "PATCH",
        "/users/{id}",
        "Update a User based on ID",
        "Users",
        {**BAD, **NOT_FOUND, **EMAIL_TAKEN},
        body=models.UserUpdate,
        response=models.UserOut,
    )
    async def update_user(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        data = await self.http.body(request, models.UserUpdate)
        return JSON(wire.user(self.backend.directory.update_user(account, company, pid(request), data)))

    @api("GET", "/users/{id}", "Retrieve a User based on ID", "Users", NOT_FOUND, response=models.UserOut)
    async def get_user(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        return JSON(wire.user(self.backend.directory.user(account, company, pid(request))))

    # -- usage ------------------------------------------------------------------------------------
    @api(
        "GET",
        "/usage",
        "Retrieve usage data for a specific company",
        "Usage",
        BAD,
        response=models.UsageOut,
        query=WINDOW,
    )
    async def usage(self, request: Request) -> Response:
        _, company = self.http.caller(request)
        return JSON(self.backend.usage.summary(company, request.query_params))

    @api(
        "GET",
        "/usage/details",
        "Retrieve detailed usage events for a specific company",
        "Usage",
        BAD,
        response=list[models.UsageEventOut],
        query=USAGE_DETAILS_QUERY,
    )
    async def usage_details(self, request: Request) -> Response:
        return self.http.page(request, self.backend.usage.details, wire.usage_record)

    # -- webhooks ---------------------------------------------------------------------------------
    @api(
        "POST",
        "/webhooks",
        "Create a webhook subscription",
        "Webhook subscriptions",
        BAD,
        body=models.WebhookCreate,
        response=models.WebhookWithSecret,
        status=201,
    )
    async def create_webhook(self, request: Request) -> Response:
        _, company = self.http.caller(request)
        data = await self.http.body(request, models.WebhookCreate)
        return JSON(
            wire.subscription(self.backend.hooks.create(company, data), with_secret=True), status_code=201
        )

    @api(
        "GET",
        "/webhooks",
        "Retrieve all webhook subscriptions",
        "Webhook subscriptions",
        response=list[models.WebhookOut],
    )
    async def list_webhooks(self, request: Request) -> Response:
        _, company = self.http.caller(request)
        return JSON([wire.subscription(s) for s in self.backend.hooks.subscriptions(company)])

    @api(
        "GET",
        "/webhooks/{id}",
        "Retrieve a webhook subscription",
        "Webhook subscriptions",
        NOT_FOUND,
        response=models.WebhookOut,
    )
    async def get_webhook(self, request: Request) -> Response:
        return self.http.one(request, self.backend.hooks.get, wire.subscription)

    @api(
        "PATCH",
        "/webhooks/{id}",
        "Update a webhook subscription",
        "Webhook subscriptions",
        {**BAD, **NOT_FOUND},
        body=models.WebhookUpdate,
        response=models.WebhookOut,
    )
    async def update_webhook(self, request: Request) -> Response:
        _, company = self.http.caller(request)
        data = await self.http.body(request, models.WebhookUpdate)
        return JSON(wire.subscription(self.backend.hooks.update(company, pid(request), data)))

    @api("DELETE", "/webhooks/{id}", "Delete a webhook subscription", "Webhook subscriptions", NOT_FOUND)
    async def delete_webhook(self, request: Request) -> Response:
        _, company = self.http.caller(request)
        self.backend.hooks.delete(company, pid(request))
        return Response(status_code=200)

    @api(
        "POST",
        "/webhooks/{id}/reset-secret",
        "Reset a webhook secret (shown once)",
        "Webhook subscriptions",
        NOT_FOUND,
        response=models.WebhookWithSecret,
    )
    async def reset_secret(self, request: Request) -> Response:
        _, company = self.http.caller(request)
        return JSON(
            wire.subscription(self.backend.hooks.reset_secret(company, pid(request)), with_secret=True)
        )

    @api(
        "POST",
        "/webhooks/{id}/test",
        "Send a test event; the receiver's HTTP status",
        "Webhook subscriptions",
        {**BAD, **NOT_FOUND},
        body=models.WebhookTest,
        response=models.WebhookTestResult,
    )
    async def test_webhook(self, request: Request) -> Response:
        account, company = self.http.caller(request)
        data = await self.http.body(request, models.WebhookTest, empty={})
        status, error = await self.backend.hooks.test(account, company, pid(request), data)
        return JSON(wire.test_result(status, error))
