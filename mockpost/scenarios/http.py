"""`POST /_mockpost/scenarios`: a scenario's world loaded into a running server at run time."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from mockpost.core.http import read_body, read_json
from mockpost.sandbox import Sandbox
from mockpost.scenarios.loader import LoadedScenario, load_data, load_text
from mockpost.scenarios.setup import SetupError, apply_scenario
from mockpost.scenarios.yamlsource import ScenarioError, ScenarioSyntaxError

NAME = "scenario"  # how errors name the posted document: "scenario:4: steps[0]..."


async def load_posted_scenario(
    sandbox: Sandbox, request: Request, max_body: int
) -> tuple[int, dict[str, Any]]:
    """(status, body): 200 with what was loaded; 400 for a body that is not YAML (or JSON) at all;
    422 for a scenario that is not valid (each problem with its line) or that the sandbox refuses.

    A JSON body (Content-Type: application/json) is read as strict JSON like every control-plane
    body (not JSON: the control plane's 400); anything else as YAML. `?reset=false` keeps the
    current state instead of resetting first."""
    reset = request.query_params.get("reset", "true").lower() not in ("false", "0", "no")
    try:
        if "json" in request.headers.get("content-type", "").lower():
            loaded = load_data(await read_json(request, max_body), NAME)
        else:
            loaded = load_text(_text(await read_body(request, max_body)), NAME)
    except ScenarioError as exc:
        detail = [{"line": line, "problem": problem} for line, problem in exc.problems]
        if isinstance(exc, ScenarioSyntaxError):
            return 400, {"error": "not a scenario: the body is not YAML or JSON", "detail": detail}
        return 422, {"error": "invalid scenario", "detail": detail}
    return await _apply(sandbox, loaded, str(request.base_url), reset)


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioSyntaxError(NAME, None, "the body is not UTF-8 text") from None


async def _apply(
    sandbox: Sandbox, loaded: LoadedScenario, base_url: str, reset: bool
) -> tuple[int, dict[str, Any]]:
    try:
        applied = await apply_scenario(sandbox, loaded.scenario, base_url, reset=reset)
    except SetupError as exc:
        return 422, {
            "error": "scenario refused by the sandbox",
            "detail": [{"line": None, "problem": str(exc)}],
        }
    body = applied.summary(sandbox)
    body["steps_not_run"] = len(loaded.scenario.steps)
    return 200, body
