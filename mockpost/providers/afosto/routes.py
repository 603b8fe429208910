"""HTTP <-> the Afosto backend: one catch-all route, a trie lookup, parse, authorise, call, render.

The catalog's 544 endpoints are not 544 Starlette routes evaluated one after another: the compiled
`Router` finds the operation by method, segment count and literal-first segments. No business rule
lives here: the caller's account comes from `Provider.resolve` (or, for the client-credentials
login that finds the account from its body, `tag`), everything else from the backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Endpoint, endpoints_of, route
from mockpost.core.http import JSON, BadJSON, read_body, read_json
from mockpost.core.provider import tag
from mockpost.providers.afosto.auth import bearer_token
from mockpost.providers.afosto.errors import AfostoError
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.router import Router

if TYPE_CHECKING:
    from mockpost.providers.afosto.provider import AfostoProvider

CATCH_ALL = "/{path:path}"
SERVED = "Every catalog endpoint"


class AfostoRoutes:
    def __init__(self, provider: AfostoProvider, router: Router) -> None:
        self.provider = provider
        self.router = router

    def endpoints(self) -> list[Endpoint]:
        return endpoints_of(self)

    @route("GET", CATCH_ALL, SERVED)
    @route("POST", CATCH_ALL, SERVED)
    @route("PUT", CATCH_ALL, SERVED)
    @route("DELETE", CATCH_ALL, SERVED)
    @route("PATCH", CATCH_ALL, SERVED)
    @route("OPTIONS", CATCH_ALL, SERVED)
    async def dispatch(self, request: Request) -> Response:
        path = "/" + request.path_params["path"]
        method = "GET" if request.method == "HEAD" else request.method  # the server drops HEAD's body
        found = self.router.match(method, path)
        if found is None:
            allowed = self.router.allowed(path)
            if allowed:
                raise AfostoError(405, f"{request.method} is not allowed on {path}; use {', '.join(allowed)}")
            raise AfostoError(404, f"No such route: {request.method} {path}")
        op, params = found
        provider = self.provider
        try:
            if provider.is_public(op):
                body = await read_json(request, provider.ctx.max_body)
                tenant, answer = provider.credentials.authorize(body)
                tag(request, tenant)
                return render(answer)
            state = provider.resolve(request)
            token = bearer_token(request)
            provider.credentials.check_scope(op, token)
            body = None
            raw = b""
            if op.takes_form:
                raw = await read_body(request, provider.ctx.max_body)
            else:
                body = await read_json(request, provider.ctx.max_body)
            call = Call(
                op=op,
                params=params,
                query=dict(request.query_params) if request.scope["query_string"] else {},
                # ASGI servers pass header names in lower case
                headers={k.decode("latin-1"): v.decode("latin-1") for k, v in request.scope["headers"]},
                body=body,
                raw=raw,
                token=token,
            )
            response = render(provider.backend.handle(state, call))
            if request.method == "HEAD":
                headers = {k: v for k, v in response.headers.items() if k != "content-length"}
                return Response(status_code=response.status_code, headers=headers)
            return response
        except AfostoError as error:
            error.wrapped = op.wraps_error(error.status)
            raise
        except BadJSON as error:
            raise AfostoError(400, str(error), invalid=["body"], wrapped=op.wraps_error(400)) from None


def render(answer: Answer) -> Response:
    if answer.binary:
        return Response(answer.body, answer.status, answer.headers, media_type=answer.media_type)
    if answer.status == 204 or answer.body is None:
        return Response(status_code=answer.status, headers=answer.headers)
    return JSON(answer.body, answer.status, answer.headers)
