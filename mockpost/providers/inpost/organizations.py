"""Organizations: made from Polish fake data on a token's first use, listed, read, and counted.

Statistics are computed on every call from the organization's shipments, with exactly the seed's
status groups, so they always equal a hand count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockpost.core.numbers import is_digits
from mockpost.core.provider import ProviderContext
from mockpost.providers.inpost import services, statuses
from mockpost.providers.inpost.errors import NoAccessToOrganization, NotFound
from mockpost.providers.inpost.ids import as_id
from mockpost.providers.inpost.paging import PageRequest, sort_and_page
from mockpost.providers.inpost.state import Account, Organization

DEFAULT_SERVICES = [
    "inpost_locker_standard",
    "inpost_locker_allegro",
    "inpost_locker_customer_service_point",
    "inpost_courier_standard",
    "inpost_courier_express_1000",
    "inpost_courier_express_1200",
    "inpost_courier_express_1700",
    "inpost_courier_c2c",
    "inpost_courier_allegro",
    "inpost_letter_allegro",
]
SORTABLE = ("id", "name", "tax_id", "address", "address_street", "created_at")
TEXT_FILTERS = ("tax_id", "name", "address_street", "owner_full_name", "application_name")


def nip(digits8: str, region: str) -> str:
    """A Polish NIP with a valid checksum (weights 6,5,7,2,3,4,5,6,7 mod 11; 10 is never a digit)."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    for bump in range(10):
        body = f"{region[0]}{(int(digits8) + bump) % 10**8:08d}"
        check = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
        if check != 10:
            return f"{body}{check}"
    raise AssertionError("unreachable: one of ten consecutive bodies has a check digit")


def valid_nip(value: str) -> bool:
    if len(value) != 10 or not is_digits(value):
        return False
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    return sum(int(d) * w for d, w in zip(value, weights, strict=False)) % 11 == int(value[9])


class Organizations:
    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx

    def fake(self, account: Account, overrides: Mapping[str, Any] | None = None) -> Organization:
        """A new organization from Polish fake data; `overrides` (fixtures) win field by field."""
        faker = self.ctx.faker("pl_PL")
        given = dict(overrides or {})
        now = self.ctx.now()
        address_given = given.get("address") or {}
        address = {
            "id": account.next_id("address"),
            "line1": None,
            "line2": None,
            "street": faker.street_name(),
            "building_number": str(faker.building_number()).split("/")[0],
            "city": faker.city(),
            "post_code": faker.postcode(),
            "country_code": "PL",
        }
        address.update({k: v for k, v in address_given.items() if k in address and k != "id"})
        first, last = faker.first_name(), faker.last_name()
        contact = {
            "id": account.next_id("contact_person"),
            "email": f"{_ascii(first)}.{_ascii(last)}@example.pl".lower(),
            "phone": "5" + self.ctx.ids.digits(8),
            "first_name": first,
            "last_name": last,
        }
        contact.update({k: v for k, v in (given.get("contact_person") or {}).items() if k in contact})
        org_id = int(given["id"]) if given.get("id") is not None else account.next_id("organization")
        organization = Organization(
            id=org_id,
            owner_id=account.sequences.setdefault("owner", self.ctx.rng.randint(1, 99999)),
            name=str(given.get("name") or faker.company()),
            tax_id=str(
                given.get("tax_id") or nip(self.ctx.ids.digits(8), self.ctx.ids.digits(1).replace("0", "5"))
            ),
            services=list(given.get("services") or DEFAULT_SERVICES),
            address=address,
            bank_account_number=given.get("bank_account_number", faker.bban()),
            contact_person=contact,
            created_at=now,
            updated_at=now,
            owner_full_name=f"{first} {last}",
        )
        unknown = [s for s in organization.services if s not in services.SERVICES]
        if unknown:
            raise ValueError(f"unknown ShipX services {unknown}; known: {list(services.SERVICES)}")
        account.organizations[organization.id] = organization
        return organization

    def get(self, account: Account, raw_id: str) -> Organization:
        """The account's organization; one of another account is `token_invalid` (the seed's "no
        access rights to a specific organization"), one nobody has `resource_not_found`."""
        organization_id = as_id(raw_id)
        organization = account.organizations.get(organization_id) if organization_id is not None else None
        if organization is None:
            if organization_id is not None and self._belongs_to_another_account(account, organization_id):
                raise NoAccessToOrganization(raw_id)
            raise NotFound("organization", raw_id[:64])
        return organization

    def _belongs_to_another_account(self, account: Account, organization_id: int) -> bool:
        return any(
            other is not account and organization_id in other.organizations
            for _, other in self.ctx.store.tenants(self.ctx.name)
        )

    def search(
        self, account: Account, filters: Mapping[str, str], page: PageRequest
    ) -> tuple[list[Organization], int]:
        found = list(account.organizations.values())
        for name in TEXT_FILTERS:
            wanted = filters.get(name)
            if wanted:
                found = [o for o in found if wanted.lower() in _field(o, name).lower()]
        keys = {
            "id": lambda o: o.id,
            "name": lambda o: o.name,
            "tax_id": lambda o: o.tax_id,
            "address": lambda o: f"{o.address.get('street')} {o.address.get('building_number')}",
            "address_street": lambda o: o.address.get("street"),
            "created_at": lambda o: (o.created_at, o.id),
        }
        return sort_and_page(found, page, keys)

    @staticmethod
    def statistics(account: Account, organization: Organization) -> dict[str, int]:
        counts = {"to_send": 0, "in_logistics": 0, "delivered": 0}
        for shipment in account.shipments.values():
            if shipment.organization_id != organization.id:
                continue
            if shipment.state in statuses.TO_SEND:
                counts["to_send"] += 1
            elif shipment.state in statuses.IN_LOGISTICS:
                counts["in_logistics"] += 1
            elif shipment.state in statuses.DELIVERED:
                counts["delivered"] += 1
        return counts


def _field(org: Organization, name: str) -> str:
    if name == "address_street":
        return str(org.address.get("street") or "")
    return str(getattr(org, name) or "")


def _ascii(text: str) -> str:
    table = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
    return "".join(ch for ch in text.translate(table) if ch.isalnum())
