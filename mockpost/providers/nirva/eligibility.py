"""Channel requirements: what a document must carry to be eligible to a channel.

Nirva checks each channel's requirements on values extracted from the PDF (the RAW values); a
document is eligible only if every requirement is valid. Here:
- MAIL and REGISTERED_MAIL need ADDRESS: 1 to 6 lines of at most 38 characters each (the French
  postal address standard NF Z10-011), without the text NOT_ELIGIBLE (a switch for tests);
- EMAIL needs EMAIL: an e-mail address.
A MULTICHANNEL box sends a document by e-mail when its address block holds an e-mail address.
"""

from __future__ import annotations

import re

from mockpost.providers.nirva.state import Requirement

EMAIL_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MAX_LINE = 38
MAX_LINES = 6
FAILURE_SWITCH = "NOT_ELIGIBLE"


def channel_for(box_channel: str, address_block: str) -> str:
    if box_channel == "MULTICHANNEL":
        return "EMAIL" if EMAIL_ADDRESS.search(address_block) else "MAIL"
    return box_channel


def requirements_for(channel: str, address_block: str) -> list[Requirement]:
    if channel == "EMAIL":
        found = EMAIL_ADDRESS.search(address_block)
        return [check(channel, Requirement("EMAIL", found.group(0) if found else address_block))]
    return [check(channel, Requirement("ADDRESS", address_block))]


def check(channel: str, requirement: Requirement) -> Requirement:
    """Validate the requirement's RAW value in place (and return it)."""
    requirement.message = problem(requirement.name, requirement.raw)
    requirement.valid = requirement.message is None
    return requirement


def problem(name: str, raw: str) -> str | None:
    if FAILURE_SWITCH in raw:
        return f"{name} holds {FAILURE_SWITCH}"
    if name == "EMAIL":
        return None if EMAIL_ADDRESS.fullmatch(raw.strip()) else "EMAIL is not an e-mail address"
    lines = [line for line in raw.splitlines() if line.strip()]
    if not lines:
        return "ADDRESS is empty: no text found on the document's first page"
    if len(lines) > MAX_LINES:
        return f"ADDRESS has {len(lines)} lines; at most {MAX_LINES}"
    long = [line for line in lines if len(line.strip()) > MAX_LINE]
    if long:
        return f"ADDRESS line {long[0].strip()!r} is longer than {MAX_LINE} characters"
    return None
