"""What the console shows of Nirva's letters: a job's files as received, the file a packGroup's
document was split from, a shipment's tracking files and proofs, and the address block Nirva read
(the first lines of the document's first page)."""

from __future__ import annotations

from mockpost.core.resources import Document
from mockpost.providers.nirva.state import Job, Organisation, PackGroup, Shipment

MIME_BY_EXTENSION = {
    "pdf": "application/pdf",
    "xml": "application/xml",
    "csv": "text/csv",
    "txt": "text/plain",
}


def job_documents(org: Organisation, job: Job) -> list[Document]:
    found = []
    for described, data in zip(job.files, job.file_data, strict=False):
        name = str(described.get("fileName") or described.get("part") or "file")
        found.append(Document(name, _mime(name), data, f"file ({described.get('part', 'box')})"))
    return found


def pack_group_documents(org: Organisation, group: PackGroup) -> list[Document]:
    """The job's file this packGroup's document was split from (its pages are named in the role)."""
    job = org.jobs.get(group.job_id)
    if job is None:
        return []
    document = group.document
    last = document.first_page + document.page_count - 1
    for described, data in zip(job.files, job.file_data, strict=False):
        if described.get("fileName") == document.file_name and described.get("boxId") == document.box_id:
            role = f"pages {document.first_page}-{last} of the job's file"
            return [Document(document.file_name or "document.pdf", _mime(document.file_name), data, role)]
    return []


def pack_group_address(org: Organisation, group: PackGroup) -> list[str] | None:
    lines = [line.strip() for line in group.document.address_block.splitlines() if line.strip()]
    return lines or None


def shipment_documents(org: Organisation, shipment: Shipment) -> list[Document]:
    return [Document(f.file_name, f.content_type, f.data, f.name.lower()) for f in shipment.files.values()]


def shipment_address(org: Organisation, shipment: Shipment) -> list[str] | None:
    lines = [line.strip() for line in shipment.recipient.split(" / ") if line.strip()]
    return lines or None


def _mime(name: str | None) -> str:
    extension = (name or "").rpartition(".")[2].lower()
    return MIME_BY_EXTENSION.get(extension, "application/octet-stream")
