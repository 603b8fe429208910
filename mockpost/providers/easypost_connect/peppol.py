"""Incoming Peppol documents: injected through the control plane, listed with sorting and
filters, read by sender + id, downloaded (UBL XML) through a pre-signed URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from mockpost.core.clock import parse_instant
from mockpost.core.paging import KeysetIndex
from mockpost.core.provider import ProviderContext
from mockpost.providers.easypost_connect import models, query
from mockpost.providers.easypost_connect.errors import Invalid, NotFound, found
from mockpost.providers.easypost_connect.hooks import Hooks
from mockpost.providers.easypost_connect.signing import Signer
from mockpost.providers.easypost_connect.state import Account, Company, PeppolDocument
from mockpost.providers.easypost_connect.wire import iso

INVOICE_TYPE = (
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##"
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"
)
SORT_FIELDS = ("createdAt", "lastModifiedAt")
SORT_ORDERS = ("desc", "asc")


@dataclass
class Peppol:
    ctx: ProviderContext
    hooks: Hooks
    signer: Signer

    def inject(self, account: Account, company: Company, data: models.PeppolInject) -> PeppolDocument:
        """An incoming document arrives (control plane, fixtures): Faker fills what is not given."""
        faker = self.ctx.faker("nl_BE")
        now = self.ctx.now()
        created = parse_instant(data.createdAt) if data.createdAt else now
        modified = parse_instant(data.lastModifiedAt) if data.lastModifiedAt else created
        own_id = str(company.details.get("peppolParticipantId") or f"0208:{self.ctx.ids.digits(10)}")
        document = PeppolDocument(
            id=self.ctx.ids.uuid4(),
            company_id=company.id,
            sender_id=data.senderId or f"0208:0{self.ctx.ids.digits(9)}",
            receiver_id=data.receiverId or own_id,
            document_type=data.documentType or INVOICE_TYPE,
            document_id=data.documentId or f"INV-{now.year}-{self.ctx.ids.digits(5)}",
            issue_date=data.issueDate or now.date().isoformat(),
            created_at=created,
            last_modified_at=modified,
            sender_name=data.senderName or faker.company(),
            receiver_name=data.receiverName or company.name,
            amount=data.amount if data.amount is not None else round(self.ctx.rng.uniform(10, 5000), 2),
            currency=data.currency or "EUR",
        )
        document.xml = data.xml.encode() if data.xml else ubl_invoice(document)
        company.peppol[document.id] = document
        company.peppol_by_created.add(document.id, document.created_at)
        company.peppol_by_modified.add(document.id, document.last_modified_at)
        self.hooks.emit(
            account,
            company,
            "peppol.document.received",
            {
                "documentId": document.id,
                "senderId": document.sender_id,
                "receiverId": document.receiver_id,
                "documentType": document.document_type,
            },
        )
        return document

    def touch(self, company: Company, document_id: str, data: models.PeppolTouch) -> PeppolDocument:
        document = self.stored(company, document_id)
        document.last_modified_at = (
            parse_instant(data.lastModifiedAt) if data.lastModifiedAt else self.ctx.now()
        )
        if data.documentId:
            document.document_id = data.documentId
        company.peppol_by_modified.move(document.id, document.last_modified_at)
        return document

    def page(self, company: Company, params: Mapping[str, str]) -> list[PeppolDocument]:
        problems: list[str] = []
        sort_field = params.get("sortField") or "createdAt"
        sort_order = (params.get("sortOrder") or "desc").lower()
        if sort_field not in SORT_FIELDS:
            problems.append(f"sortField must be one of the following values: {', '.join(SORT_FIELDS)}")
        if sort_order not in SORT_ORDERS:
            problems.append(f"sortOrder must be one of the following values: {', '.join(SORT_ORDERS)}")
        if problems:
            raise Invalid(problems)
        paging = query.page(params)
        start, stop = query.window(params)
        index: KeysetIndex = (
            company.peppol_by_created if sort_field == "createdAt" else company.peppol_by_modified
        )
        ids = query.keyset(index, paging, descending=sort_order == "desc", lower=start, upper=stop)
        return [company.peppol[i] for i in ids]

    def document(self, company: Company, sender_id: str, document_id: str) -> PeppolDocument:
        document = company.peppol.get(document_id)
        if document is None or document.sender_id != sender_id:
            raise NotFound("Peppol document", document_id)
        return document

    def download_url(
        self, account: Account, company: Company, sender_id: str, document_id: str, base: str
    ) -> tuple[str, datetime]:
        """A pre-signed URL of the document's UBL XML, valid `download_ttl` (10 minutes)."""
        document = self.document(company, sender_id, document_id)
        expires = self.ctx.now() + self.ctx.timeline.download_ttl
        return self.signer.url(
            base, "GET", peppol_path(account.tenant, company.id, document.id), expires
        ), expires

    @staticmethod
    def stored(company: Company, document_id: str) -> PeppolDocument:
        """A document of the company by its id alone (the control plane, a pre-signed download)."""
        return found(company.peppol, document_id, "Peppol document")


def peppol_path(tenant: str, company_id: str, document_id: str) -> str:
    return f"/downloads/{tenant}/{company_id}/peppol/{document_id}"


def ubl_invoice(d: PeppolDocument) -> bytes:
    def e(value: object) -> str:
        return escape(str(value))

    sender_scheme, _, sender = d.sender_id.partition(":")
    receiver_scheme, _, receiver = d.receiver_id.partition(":")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
         xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
         xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>{e(d.document_id)}</cbc:ID>
  <cbc:IssueDate>{e(d.issue_date)}</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>{e(d.currency)}</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cbc:EndpointID schemeID="{e(sender_scheme)}">{e(sender)}</cbc:EndpointID>
    <cac:PartyName><cbc:Name>{e(d.sender_name)}</cbc:Name></cac:PartyName>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cbc:EndpointID schemeID="{e(receiver_scheme)}">{e(receiver)}</cbc:EndpointID>
    <cac:PartyName><cbc:Name>{e(d.receiver_name)}</cbc:Name></cac:PartyName>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:LegalMonetaryTotal>
    <cbc:PayableAmount currencyID="{e(d.currency)}">{d.amount:.2f}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <!-- received {e(iso(d.created_at))} -->
</Invoice>
""".encode()
