"""Reachable checks: is a recipient reachable electronically, which e-bank applicants a FUI has,
and whether e-invoice sending is set up. Rules are deterministic so tests can rely on them:
a recipient is unreachable when listed in the account's `unreachable` set or when its last four
characters are "0000"."""

from __future__ import annotations

import re
from typing import Any

from mockpost.providers.ekopost.errors import EkopostError, NotFound
from mockpost.providers.ekopost.state import Account

REACHABLE_TYPES = ("einbox", "ebank", "einvoice")
ORG_NUMBER = re.compile(r"^[0-9xX]{6}-?[0-9xX]{4}$")
GLN = re.compile(r"^\d{13}$")


def is_reachable(account: Account, recipient: str) -> bool:
    return recipient not in account.unreachable and not recipient.endswith("0000")


def search_text(body: Any, key: str) -> str:
    if body is None or not isinstance(body, dict):
        raise EkopostError("114", f"send a JSON object with {key!r}")
    value = body.get(key)
    if value is None or value == "":
        raise EkopostError("114", f"{key} is missing")
    if not isinstance(value, str) or not value.strip():
        raise EkopostError("115", f"{key} must be a non-empty string")
    return value.strip()


def check_reachable(account: Account, kind: str, body: Any) -> dict[str, Any]:
    if kind not in REACHABLE_TYPES:
        raise EkopostError("115", f"type must be one of {list(REACHABLE_TYPES)}, got {kind!r}")
    recipient = search_text(body, "recipient")
    sender = body.get("sender")
    if sender is not None and not isinstance(sender, str):
        raise EkopostError("115", "sender must be a string")
    if not is_reachable(account, recipient):
        raise NotFound(recipient)
    if kind == "ebank" and not recipient.upper().endswith(".BNK.SE"):
        return {"recipient": f"{recipient}.BNK.SE"}
    return {"recipient": recipient}


def ebank_list(account: Account, body: Any) -> list[dict[str, Any]]:
    """The FUI's applicants that are reachable ("Returns 200 and echoes all reachable addresses"),
    judged as the single e-bank check judges each of them; a bare 404 when none is ("Returns 404 if
    the recipient is not reachable")."""
    sender = search_text(body, "sender")
    if sender not in account.fui:
        raise EkopostError("124", f"FUI {sender!r} is not registered to this account")
    applicants = account.fui[sender]
    if not applicants:
        raise EkopostError("125", f"FUI {sender!r} has no applicants yet")
    reachable = [
        {**applicant, "reachable": True}
        for applicant in applicants
        if applicant.get("reachable", True) is not False
        and all(is_reachable(account, str(applicant.get(key) or "")) for key in ("identifier", "address"))
    ]
    if not reachable:
        raise NotFound(sender)
    return reachable


def einvoice_ready(account: Account, body: Any) -> dict[str, Any]:
    if body is None or not isinstance(body, dict):
        raise EkopostError("114", "send a JSON object with ReceiverCin/ReceiverGln and SenderCin/SenderGln")
    keys = ("ReceiverCin", "SenderCin", "ReceiverGln", "SenderGln")
    fields = {key: body.get(key) for key in keys}
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise EkopostError("115", f"{key} must be a string")
    problems: list[str] = []
    for side in ("Sender", "Receiver"):
        cin, gln = fields[f"{side}Cin"], fields[f"{side}Gln"]
        if not cin and not gln:
            problems.append(f"{side}Cin or {side}Gln is required.")
        if cin and not ORG_NUMBER.match(cin):
            problems.append(f"{side}Cin {cin!r} is not an organisation number (NNNNNN-NNNN).")
        if gln and not GLN.match(gln):
            problems.append(f"{side}Gln {gln!r} is not a 13-digit global location number.")
    receiver = fields["ReceiverCin"] or fields["ReceiverGln"]
    if not problems and receiver and not is_reachable(account, receiver):
        problems.append("The receiver is not registered to receive e-invoices.")
    answer: dict[str, Any] = {key: value for key, value in fields.items() if value is not None}
    answer["Success"] = not problems
    answer["ErrorMessage"] = " ".join(problems)
    return answer
