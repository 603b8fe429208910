"""The baseline server: bare Starlette serving one JSON document, run by uvicorn like mockpost is.

    uvicorn benchmarks.bare_app:app --loop uvloop --http httptools --no-access-log

GET /campaigns/{id} answers the JSON in the file named by BENCH_BARE_BODY (the benchmark puts the body
mockpost returned there, so both servers send the same bytes), or a small campaign-like document.
GET /_mockpost/health answers like mockpost's, so the same readiness probe works for both.
"""

from __future__ import annotations

import json
import os
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def load_body() -> Any:
    path = os.environ.get("BENCH_BARE_BODY")
    if path:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    return {"id": 1, "name": "x", "output_date": "2030-01-01T12:00:00", "cost_center": "c", "state": "open"}


BODY = load_body()


async def campaign(request: Request) -> JSONResponse:
    return JSONResponse(BODY)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "version": "bare"})


app = Starlette(
    routes=[
        Route("/campaigns/{campaign_id}", campaign, methods=["GET"]),
        Route("/_mockpost/health", health, methods=["GET"]),
    ]
)
