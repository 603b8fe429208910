"""The Ekopost reference's sample responses and object examples, with the field tables that govern them.

`SAMPLES` names each documented example by the line it starts on (an `HTTP/1.1 NNN` sample response or
the first line of an object's JSON), the operation that produces it, and the tables that describe its
fields: the "Parameter Type Description" table of the answer (by its header line) and the value tables
("State values", "Postage values" ...) its enumerated fields refer to. This reader takes the text at
those lines: the status, the JSON (several samples are not valid JSON as printed: the repairs applied
are recorded with the example), each table's rows as `[line, field, type]` and each value table's
values. The reference text is not part of the repository: `ekopost_examples.json` is this reader's
output, and a test regenerates it whenever the text sits next to the checkout.
Run `python tests/conformance/ekopost_examples.py [SEED]` to rewrite it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samples import Extract, decode, json_lines

STATUS = re.compile(r"^HTTP/1\.1 (\d{3})\b")
HEADER = re.compile(r"^[A-Z][\w-]*: ")
TYPES = r"Guid|String\[\]|String|string|Date|Int|Boolean|boolean|Object\[\]|Object|Array"
ROW = re.compile(rf"^\s*(?:•\s*)?(\$?[\w.]+) ({TYPES})(?=\s|$)")
VALUE_ROW = re.compile(r"^(\S+) \S")

# field tables of the answers (header line of "Parameter Type Description"), by name
CAMPAIGN, CAMPAIGN_OBJECT, ENVELOPE, ENVELOPE_READ, ENVELOPE_OBJECT = 113, 850, 326, 450, 886
CONTENT, CONTENT_OBJECT, TRANSACTION, ERROR = 631, 1251, 1236, 1279
ADDRESSES = {
    "postal": 961,
    "email": 990,
    "sms": 1005,
    "einbox_kivra": 1025,
    "einbox": 1091,
    "einbox_signer": 1109,
    "einvoice": 1141,
    "lookup": 1184,
    "ebank": 1198,
}
# value tables ("String Description", "Value Description"), by name
CAMPAIGN_STATES, POSTAGE, PLEX, ENVELOPE_STATES = 872, 929, 936, 942
FORMATS, IDENTIFIERS, CONTENT_TYPES, ERROR_CODES = 1163, 1170, 1267, 1291


@dataclass(frozen=True)
class Sample:
    name: str
    operation: str  # how the conformance test produces it
    line: int  # the `HTTP/1.1` line of a sample response, or the first line of an object's JSON
    table: int | None = None  # the answer's field table (header line)
    nested: dict[str, int] = field(default_factory=dict)  # field -> the table of the object it holds
    values: dict[str, int] = field(default_factory=dict)  # field -> its value table (header line)


# A transaction's state refers to "the section State values", and shows `completed`: the campaign's.
ENVELOPE_VALUES = {
    "postage": POSTAGE,
    "plex": PLEX,
    "state": ENVELOPE_STATES,
    "transaction.state": CAMPAIGN_STATES,
}
ENVELOPE_NESTED = {"transaction": TRANSACTION, "address": ADDRESSES["postal"]}


def envelope(name: str, operation: str, line: int, fields: int) -> Sample:
    """An envelope sample: its postal address and transaction described by their own tables."""
    return Sample(name, operation, line, fields, ENVELOPE_NESTED, ENVELOPE_VALUES)


SAMPLES = [
    Sample("POST /campaigns", "create campaign", 128, CAMPAIGN, values={"state": CAMPAIGN_STATES}),
    Sample("POST /campaigns/{campaign_id}/close", "close campaign", 166),
    Sample("POST /campaigns/{campaign_id}/cancel", "cancel campaign", 191),
    Sample("GET /campaigns/{campaign_id}", "get campaign", 226, 213, values={"state": CAMPAIGN_STATES}),
    Sample("GET /campaigns", "list campaigns", 272, 213, values={"state": CAMPAIGN_STATES}),
    envelope("POST /campaigns/{campaign_id}/envelopes", "create envelope", 346, ENVELOPE),
    Sample("POST /campaigns/{campaign_id}/envelopes/{envelope_id}/close", "close envelope", 401),
    Sample("POST /campaigns/{campaign_id}/envelopes/{envelope_id}/cancel", "cancel envelope", 427),
    envelope(
        "GET /campaigns/{campaign_id}/envelopes/{envelope_id}", "get registered envelope", 468, ENVELOPE_READ
    ),
    envelope("GET /campaigns/{campaign_id}/envelopes", "list envelopes", 531, ENVELOPE_READ),
    Sample("POST .../content", "create content", 642, CONTENT, values={"type": CONTENT_TYPES}),
    Sample("GET .../content/{content_id}", "get content", 685, 675, values={"type": CONTENT_TYPES}),
    Sample("POST /reachable/{type}", "reachable", 732, 726),
    Sample("POST /reachable/{type} (not reachable)", "not reachable", 738),
    Sample("POST /reachable/ebank_list", "ebank list", 773),
    Sample("POST /reachable/ebank_list (not reachable)", "ebank list not reachable", 788),
    Sample("POST /reachable/einvoiceready", "einvoice ready", 831, 819),
    Sample("Campaign object", "campaign", 859, CAMPAIGN_OBJECT, values={"state": CAMPAIGN_STATES}),
    envelope("Envelope object", "envelope", 899, ENVELOPE_OBJECT),
    Sample("Address object (postal)", "address", 971, ADDRESSES["postal"]),
    Sample("Address object (email)", "address", 995, ADDRESSES["email"]),
    Sample("Address object (sms)", "address", 1013, ADDRESSES["sms"]),
    Sample("Address object (einbox_kivra, booking)", "address", 1054, ADDRESSES["einbox_kivra"]),
    Sample("Address object (einbox_kivra, invoice)", "address", 1069, ADDRESSES["einbox_kivra"]),
    Sample("Address object (einbox)", "address", 1099, ADDRESSES["einbox"]),
    Sample("Address object (einbox_signer)", "address", 1120, ADDRESSES["einbox_signer"]),
    Sample(
        "Address object (einvoice)",
        "address",
        1151,
        ADDRESSES["einvoice"],
        values={"format": FORMATS, "sender_type": IDENTIFIERS, "recipient_type": IDENTIFIERS},
    ),
    Sample("Address object (lookup)", "address", 1189, ADDRESSES["lookup"]),
    Sample("Address object (ebank)", "address", 1215, ADDRESSES["ebank"]),
    Sample(
        "Transaction object",
        "transaction",
        1240,
        nested={"transaction": TRANSACTION},
        values={"transaction.state": CAMPAIGN_STATES},
    ),
    Sample("Content object", "content", 1257, CONTENT_OBJECT, values={"type": CONTENT_TYPES}),
    Sample("Error object", "error", 1283, ERROR, values={"error_code": ERROR_CODES}),
    Sample("Webhook delivery", "webhook", 1504, values={"[].StatusName": ENVELOPE_STATES}),
    Sample(
        "Sms envelopes with a delivery report", "sms envelopes", 1639, values={"[].state": ENVELOPE_STATES}
    ),
    Sample("Sms envelope with a delivery report", "sms envelope", 1689, values={"state": ENVELOPE_STATES}),
    Sample("Direct sms", "direct sms", 1751),
]


def table(lines: list[str], header: int) -> list[list[Any]]:
    """`[line, field, type]` for each row under the table header at `header` (1-based), to the blank
    line that ends it. Remarks between rows are skipped; the rows of a table nested under a row
    (kivra's booking and invoice) are named after it (`booking.title`)."""
    rows: list[list[Any]] = []
    owner = ""
    for number in range(header + 1, len(lines) + 1):
        line = lines[number - 1]
        if not line.strip():
            break
        if "Parameter Type Description" in line:
            owner = rows[-1][1] if rows else ""
            continue
        row = ROW.match(line)
        if row is not None:
            nested = owner and line[:1].isspace()
            rows.append([number, f"{owner}.{row[1]}" if nested else row[1], row[2]])
    return rows


def value_table(lines: list[str], header: int) -> list[str]:
    values = []
    for line in lines[header:]:
        row = VALUE_ROW.match(line)
        if row is None:
            break
        values.append(row[1])
    return values


def sample(lines: list[str], spec: Sample) -> dict[str, Any]:
    index = spec.line - 1
    status = STATUS.match(lines[index].strip())
    entry: dict[str, Any] = {"name": spec.name, "operation": spec.operation, "line": spec.line}
    entry["status"] = int(status[1]) if status else None
    if status:
        index += 1
        while index < len(lines) and HEADER.match(lines[index].strip()):
            index += 1
    start = lines[index].strip()
    has_body = start.startswith(("{", "[")) or (not status and start.startswith('"'))
    raw = json_lines(lines, index) if has_body else []
    entry["json"], entry["repairs"] = decode(raw) if raw else (None, [])
    entry["raw"] = raw
    entry["tables"] = {"": table(lines, spec.table)} if spec.table else {}
    entry["tables"].update({name: table(lines, line) for name, line in spec.nested.items()})
    entry["values"] = {name: [line, value_table(lines, line)] for name, line in spec.values.items()}
    return entry


def parse(text: str) -> list[dict[str, Any]]:
    lines = text.split("\n")
    return [sample(lines, spec) for spec in SAMPLES]


EXTRACT = Extract(Path(__file__).with_suffix(".json"), "001_dd585b05dd5a31d1.txt", parse)
load = EXTRACT.load

if __name__ == "__main__":
    EXTRACT.main(sys.argv[1:])
