"""Companies (the partner's own and the ones it manages), departments and users."""

from __future__ import annotations

from typing import Any

from mockpost.providers.easypost_connect import models
from mockpost.providers.easypost_connect.base import BackendBase
from mockpost.providers.easypost_connect.errors import Conflict, Forbidden, Invalid, NotFound
from mockpost.providers.easypost_connect.render import COMPANY_FIELDS
from mockpost.providers.easypost_connect.state import Account, Company, Department, User


class DirectoryPart(BackendBase):
    # -- companies -----------------------------------------------------------------------------
    def new_company(
        self, account: Account, name: str, managed_by: str | None, details: dict[str, Any]
    ) -> Company:
        now = self.now()
        company = Company(
            id=self.ctx.ids.uuid4(),
            name=name,
            created_at=now,
            updated_at=now,
            managed_by=managed_by,
            details=details,
        )
        account.companies[company.id] = company
        self.seed_workflows(company)
        return company

    def seed_workflows(self, company: Company) -> None:
        raise NotImplementedError

    def create_company(self, account: Account, body: Any) -> Company:
        data = models.validate(models.CompanyCreate, body)
        details = data.model_dump(exclude_unset=True, exclude={"name"}, exclude_none=True)
        self._unique_vat(account, details.get("vatNumber"), None)
        return self.new_company(account, data.name, account.root_id, details)

    def company(self, account: Account, company_id: str) -> Company:
        company = account.companies.get(company_id)
        if company is None or (company.id != account.root_id and company.managed_by != account.root_id):
            raise NotFound("Company", company_id)
        return company

    def list_companies(self, account: Account) -> list[Company]:
        return sorted(account.managed(), key=lambda c: (c.created_at, c.id))

    def update_company(self, account: Account, company_id: str, body: Any) -> Company:
        company = self.company(account, company_id)
        data = models.validate(models.CompanyUpdate, body)
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
        company.updated_at = self.now()
        return company

    @staticmethod
    def _unique_vat(account: Account, vat: str | None, own_id: str | None) -> None:
        if not vat:
            return
        for other in account.companies.values():
            if other.id != own_id and other.details.get("vatNumber") == vat:
                raise Conflict(f"A company with vatNumber '{vat[:50]}' already exists ({other.id})")

    def _target_company(self, account: Account, acting: Company, company_id: str | None) -> Company:
        if company_id is None:
            return acting
        company = account.companies.get(company_id)
        if company is None or (company.id != account.root_id and company.managed_by != account.root_id):
            raise Forbidden(f"Company '{company_id[:100]}' is not managed by the caller")
        return company

    # -- departments -------------------------------------------------------------------------------
    def create_department(self, account: Account, acting: Company, body: Any) -> Department:
        data = models.validate(models.DepartmentCreate, body)
        company = self._target_company(account, acting, data.companyId)
        now = self.now()
        department = Department(
            id=self.ctx.ids.uuid4(),
            company_id=company.id,
            name=data.name,
            created_at=now,
            updated_at=now,
            details={"description": data.description} if data.description is not None else {},
        )
        account.departments[department.id] = department
        return department

    def department(self, account: Account, acting: Company, department_id: str) -> Department:
        department = account.departments.get(department_id)
        if department is None or department.company_id != acting.id:
            raise NotFound("Department", department_id)
        return department

    def list_departments(self, account: Account, acting: Company) -> list[Department]:
        found = [d for d in account.departments.values() if d.company_id == acting.id]
        return sorted(found, key=lambda d: (d.created_at, d.id))

    def update_department(
        self, account: Account, acting: Company, department_id: str, body: Any
    ) -> Department:
        department = self.department(account, acting, department_id)
        data = models.validate(models.DepartmentUpdate, body)
        changes = data.model_dump(exclude_unset=True)
        if changes.get("name") is not None:
            department.name = changes["name"]
        if "description" in changes:
            department.details["description"] = changes["description"]
        department.updated_at = self.now()
        return department

    # -- users -------------------------------------------------------------------------------------
    def create_user(self, account: Account, acting: Company, body: Any) -> User:
        data = models.validate(models.UserCreate, body)
        company = self._target_company(account, acting, data.companyId)
        self._unique_email(account, data.email, None)
        departments = self._departments_of(account, company, data.departmentIds or [])
        now = self.now()
        user = User(
            id=self.ctx.ids.uuid4(),
            company_id=company.id,
            email=data.email,
            first_name=data.firstName,
            last_name=data.lastName,
            created_at=now,
            updated_at=now,
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
        user = account.users.get(user_id)
        if user is None or user.company_id != acting.id:
            raise NotFound("User", user_id)
        return user

    def list_users(self, account: Account, acting: Company) -> list[User]:
        found = [u for u in account.users.values() if u.company_id == acting.id]
        return sorted(found, key=lambda u: (u.created_at, u.id))

    def update_user(self, account: Account, acting: Company, user_id: str, body: Any) -> User:
        user = self.user(account, acting, user_id)
        data = models.validate(models.UserUpdate, body)
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
        user.updated_at = self.now()
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
