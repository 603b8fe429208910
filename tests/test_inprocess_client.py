"""The in-process client is httpx's: URLs and cookies behave exactly as with httpx.Client."""

import httpx
import pytest

from mockpost.testing.inprocess import InProcessClient


def echo(request: httpx.Request) -> httpx.Response:
    headers = {"set-cookie": "session=abc; Path=/"} if request.url.path.endswith("/login") else {}
    return httpx.Response(200, json={"url": str(request.url)}, headers=headers)


@pytest.mark.parametrize(
    "base", ["http://mock", "http://mock/", "http://mock/ekopost", "http://mock/ekopost/"]
)
@pytest.mark.parametrize(
    "path",
    [
        "/campaigns",
        "/campaigns?start=2030-01-01&stop=2030-01-02",
        "/campaigns/a%20b",
        "campaigns/1",
        "",
        "/",
        "//other-host/x",
        "http://elsewhere/abs?q=1",
        "/caf\u00e9?q=\u00e9",
    ],
)
def test_urls_are_joined_exactly_as_httpx_joins_them(base, path):
    with (
        InProcessClient(transport=httpx.MockTransport(echo), base_url=base) as fast,
        httpx.Client(transport=httpx.MockTransport(echo), base_url=base) as plain,
    ):
        assert fast.get(path).json() == plain.get(path).json()
        assert fast.get(path, params={"page": 2}).json() == plain.get(path, params={"page": 2}).json()


def test_a_changed_base_url_is_used_for_the_next_request():
    with InProcessClient(transport=httpx.MockTransport(echo), base_url="http://mock/ekopost") as client:
        client.base_url = "http://mock/nirva"
        assert client.get("/jobs").json()["url"] == "http://mock/nirva/jobs"


def test_cookies_set_by_an_answer_are_kept_and_sent_like_httpx_does():
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        return echo(request)

    with InProcessClient(transport=httpx.MockTransport(handler), base_url="http://mock") as client:
        client.get("/plain")
        assert dict(client.cookies) == {}
        client.post("/login")
        assert dict(client.cookies) == {"session": "abc"}
        client.get("/after")
        client.cookies = {"other": "1"}
        client.get("/replaced")
    assert seen == [None, None, "session=abc", "other=1"]
