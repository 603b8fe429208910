"""Accounts, companies (the partner's own and the ones it manages), departments and users, and
which company a request acts for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from mockpost.core.provider import ProviderContext
from mockpost.providers.easypost_connect import models
from mockpost.providers.easypost_connect.errors import Conflict, Forbidden, Invalid, NotFound
from mockpost.providers.easypost_connect.state import Account, Company, Department, User
from mockpost.providers.easypost_connect.wire import COMPANY_FIELDS
from mockpost.providers.easypost_connect.workflows import Workflows


@dataclass
class Directory:
    ctx: ProviderContext
    workflows: Workflows

    def new_account(self, tenant: str, settings: dict[str, Any]) -> Account:
        """A partner account: its own company, with the seeded workflows."""
        account = Account(tenant=tenant, root_id="", settings=dict(settings))
        root = self.new_company(account, str(settings.get("company_name") or "Partner company"), None, {})
        account.root_id = root.id
        return account

    @staticmethod
    def acting(account: Account, managed_company_id: str | None) -> Company:
        """The caller's own company, or the managed company named by x-managed-company-id."""
        if managed_company_id is None:
            return account.root
        company = _reachable(account, managed_company_id.strip())
        if company is None:
            raise Forbidden(
                f"Company '{managed_company_id[:100]}' is not managed by the caller (x-managed-company-id)"
            )
        return company

    # -- companies -----------------------------------------------------------------------------
    def new_company(
        self, account: Account, name: str, managed_by: str | None, details: dict[str, Any]
    ) -> Company:
        company = Company(**self.ctx.fresh(), name=name, managed_by=managed_by, details=details)
        account.companies[company.id] = company
        self.workflows.seed(company)
        return company

    def create_company(self, account: Account, data: models.CompanyCreate) -> Company:
        details = data.model_dump(exclude_unset=True, exclude={"name"}, exclude_none=True)
        self._unique_vat(account, details.get("vatNumber"), None)
        return self.new_company(account, data.name, account.root_id, details)

    def company(self, account: Account, company_id: str) -> Company:
        company = _reachable(account, company_id)
        if company is None:
            raise NotFound("Company", company_id)
        return company

    def companies(self, account: Account) -> list[Company]:
        return sorted(account.managed(), key=lambda c: (c.created_at, c.id))

    def update_company(self, account: Account, company_id: str, data: models.CompanyUpdate) -> Company:
        company = self.company(account, company_id)
        changes = data.model_dump(exclude_unset=True)
        if changes.get("name") is None:
            changes.pop("name", None)
        if "vatNumber" in changes:
            self._unique_vat(account, changes["vatNumber"], company.id)
        if "name" in changes:
            company.name = changes.pop("name")
        for key in COMPANY_FIELDS:
            if key in changes:
                if changes[key] is None:
                    company.details.pop(key, None)
                else:
                    company.details[key] = changes[key]
        company.updated_at = self.ctx.now()
        return company

    @staticmethod
    def _unique_vat(account: Account, vat: str | None, own_id: str | None) -> None:
        if not vat:
            return
        for other in account.companies.values():
            if other.id != own_id and other.details.get("vatNumber") == vat:
                raise Conflict(f"A company with vatNumber '{vat[:50]}' already exists ({other.id})")

    @staticmethod
    def _target_company(account: Account, acting: Company, company_id: str | None) -> Company:
        """The company a new department or user belongs to: `companyId`, or the acting company."""
        if company_id is None:
            return acting
        company = _reachable(account, company_id)
        if company is None:
            raise Forbidden(f"Company '{company_id[:100]}' is not managed by the caller")
        return company

    # -- departments -------------------------------------------------------------------------------
    def create_department(
        self, account: Account, acting: Company, data: models.DepartmentCreate
    ) -> Department:
        company = self._target_company(account, acting, data.companyId)
        department = Department(
            **self.ctx.fresh(),
            company_id=company.id,
            name=data.name,
            details={"description": data.description} if data.description is not None else {},
        )
        account.departments[department.id] = department
        return department

    def department(self, account: Account, acting: Company, department_id: str) -> Department:
        return _owned(account.departments, acting, department_id, "Department")

    def departments(self, account: Account, acting: Company) -> list[Department]:
        return _all_owned(account.departments, acting)

    def update_department(
        self, account: Account, acting: Company, department_id: str, data: models.DepartmentUpdate
    ) -> Department:
        department = self.department(account, acting, department_id)
        changes = data.model_dump(exclude_unset=True)
        if changes.get("name") is not None:
            department.name = changes["name"]
        if "description" in changes:
            department.details["description"] = changes["description"]
        department.updated_at = self.ctx.now()
        return department

    # -- users -------------------------------------------------------------------------------------
    def create_user(self, account: Account, acting: Company, data: models.UserCreate) -> User:
        company = self._target_company(account, acting, data.companyId)
        self._unique_email(account, data.email, None)
        departments = self._departments_of(account, company, data.departmentIds or [])
        user = User(
            **self.ctx.fresh(),
            company_id=company.id,
            email=data.email,
            first_name=data.firstName,
            last_name=data.lastName,
            details={
                "language": data.language or "en",
                "role": data.role or "USER",
                "departmentIds": departments,
                "active": True if data.active is None else data.active,
            },
        )
        account.users[user.id] = user
        account.emails[user.email.lower()] = user.id
        return user

    def user(self, account: Account, acting: Company, user_id: str) -> User:
        return _owned(account.users, acting, user_id, "User")

    def users(self, account: Account, acting: Company) -> list[User]:
        return _all_owned(account.users, acting)

    def update_user(self, account: Account, acting: Company, user_id: str, data: models.UserUpdate) -> User:
        user = self.user(account, acting, user_id)
        changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
        if "email" in changes:
            self._unique_email(account, changes["email"], user.id)
        departments = None
        if "departmentIds" in changes:
            departments = self._departments_of(
                account, account.companies[user.company_id], changes["departmentIds"]
            )
        if "email" in changes:
            account.emails.pop(user.email.lower(), None)
            user.email = changes["email"]
            account.emails[user.email.lower()] = user.id
        user.first_name = changes.get("firstName", user.first_name)
        user.last_name = changes.get("lastName", user.last_name)
        for key in ("language", "role", "active"):
            if key in changes:
                user.details[key] = changes[key]
        if departments is not None:
            user.details["departmentIds"] = departments
        user.updated_at = self.ctx.now()
        return user

    @staticmethod
    def _unique_email(account: Account, email: str, own_id: str | None) -> None:
        holder = account.emails.get(email.lower())
        if holder is not None and holder != own_id:
            raise Conflict(f"A user with email '{email}' already exists")

    @staticmethod
    def _departments_of(account: Account, company: Company, ids: list[str]) -> list[str]:
        unknown = [
            i for i in ids if i not in account.departments or account.departments[i].company_id != company.id
        ]
        if unknown:
            raise Invalid([f"departmentIds: no department '{unknown[0][:100]}' in company {company.id}"])
        return list(dict.fromkeys(ids))


def _reachable(account: Account, company_id: str) -> Company | None:
    """The account's own company or one it manages, by id."""
    company = account.companies.get(company_id)
    if company is None or (company.id != account.root_id and company.managed_by != account.root_id):
        return None
    return company


Owned = TypeVar("Owned", Department, User)


def _owned(items: Mapping[str, Owned], acting: Company, item_id: str, what: str) -> Owned:
    """A department or user of the acting company, by id."""
    item = items.get(item_id)
    if item is None or item.company_id != acting.id:
        raise NotFound(what, item_id)
    return item


def _all_owned(items: Mapping[str, Owned], acting: Company) -> list[Owned]:
    """The acting company's departments or users, oldest first."""
    return sorted(
        (i for i in items.values() if i.company_id == acting.id), key=lambda i: (i.created_at, i.id)
    )
