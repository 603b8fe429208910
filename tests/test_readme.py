"""The README's pytest example is run as written, so the front door cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_readme_fixture_example_passes(mockpost):
    block = next(b for b in python_blocks() if "def test_letter_is_posted_and_webhook_signed" in b)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    namespace["test_letter_is_posted_and_webhook_signed"](mockpost)


def test_readme_documents_every_control_route(mockpost):
    text = README.read_text(encoding="utf-8")
    paths = mockpost.client().get("/_mockpost/openapi.json").json()["paths"]
    for path in paths:
        first = path.split("/")[1]
        assert f"/_mockpost/{first}" in text or first.startswith("{"), path


def test_readme_documents_every_ekopost_route(mockpost):
    text = README.read_text(encoding="utf-8")
    for path in mockpost.client("ekopost").get("/openapi.json").json()["paths"]:
        assert path.replace("{type}", "{einbox,ebank,einvoice}").split("?")[0] in text or path.endswith(
            ("/close", "/cancel")
        ), path
