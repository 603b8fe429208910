"""Channel requirements: what a document must carry to be eligible to a channel.

Nirva checks each channel's requirements on values extracted from the PDF (the RAW values); a
document is eligible only if every requirement is valid. Here:
- MAIL and REGISTERED_MAIL need ADDRESS, the postal address block (French standard NF Z10-011):
  2 to 6 lines of at most 38 characters, the last one holding the postcode and town ("75002 PARIS",
  "B-1000 BRUXELLES"), optionally followed by a country line ("BELGIQUE"); an address on one line is
  cut at its commas; without the text
  NOT_ELIGIBLE (a switch for tests). The RAW value extracted from a document is its first lines up
  to the postcode line (and the country line after it); with no postcode line among the first six
  lines, those six lines (which then fail);
- EMAIL needs EMAIL: an e-mail address.
A MULTICHANNEL box sends a document by e-mail when its address block holds an e-mail address.
"""

from __future__ import annotations

import re

from mockpost.providers.nirva.state import Requirement

EMAIL_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A postcode: 4 or 5 digits standing alone, maybe with a country prefix (B-1000) or a ZIP+4 suffix.
POSTCODE = re.compile(r"(?<![\w-])(?:[A-Za-z]{1,2}-)?\d{4,5}(?:-\d{4})?(?![\w-])")
LETTER = re.compile(r"[^\W\d_]")
COUNTRIES = {"FRANCE", "BELGIQUE", "BELGIE", "BELGIË", "BELGIUM", "LUXEMBOURG", "MONACO", "SUISSE"}
MIN_LINES = 2
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
    return [check(channel, Requirement("ADDRESS", postal_block(address_block)))]


def addresses_someone(top_lines: str) -> bool:
    """The top of a page starts a letter: a valid postal address block or an e-mail address."""
    return EMAIL_ADDRESS.search(top_lines) is not None or problem("ADDRESS", postal_block(top_lines)) is None


def postal_block(top_lines: str) -> str:
    """The lines up to the postcode line, and the country line right after it if there is one."""
    lines = [line.strip() for line in top_lines.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if is_town_line(line):
            end = index + 2 if index + 1 < len(lines) and is_country(lines[index + 1]) else index + 1
            return "\n".join(lines[:end])
    return "\n".join(lines)


def is_town_line(line: str) -> bool:
    """A line with a postcode and a town name ("75002 PARIS", "Springfield, IL 62701")."""
    return POSTCODE.search(line) is not None and LETTER.search(POSTCODE.sub("", line)) is not None


def address_lines(raw: str) -> list[str]:
    """The address lines; an address written on one line is cut at its commas."""
    lines = [line for line in raw.splitlines() if line.strip()]
    if len(lines) == 1 and "," in lines[0]:
        lines = [part.strip() for part in lines[0].split(",") if part.strip()]
    return lines


def is_country(line: str) -> bool:
    return line.strip().upper() in COUNTRIES


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
    lines = address_lines(raw)
    if not lines:
        return "ADDRESS is empty: no text found on the document's first page"
    if len(lines) > MAX_LINES:
        return f"ADDRESS has {len(lines)} lines; at most {MAX_LINES}"
    long = [line for line in lines if len(line.strip()) > MAX_LINE]
    if long:
        return f"ADDRESS line {long[0].strip()!r} is longer than {MAX_LINE} characters"
    town = lines[-2] if len(lines) > 1 and is_country(lines[-1]) else lines[-1]
    if not is_town_line(town):
        return f"ADDRESS does not end with a postcode and town line such as '75002 PARIS': {town.strip()!r}"
    if len(lines) < MIN_LINES:
        return "ADDRESS needs the recipient's name above the postcode and town line"
    return None
