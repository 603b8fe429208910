"""The core checks every webhook setter and credential comparison relies on."""

from __future__ import annotations

import pytest

from mockpost.core.secrets import mask, mask_credential, mask_headers, same_secret
from mockpost.core.urls import MAX_URL_LENGTH, check_url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/_mockpost/inbox/a",
        "https://erp.example.com/hooks/ekopost?x=1#frag",
        "HTTPS://EXAMPLE.COM/",
        "http://[::1]:9000/h",
        "https://user:pw@example.com/h",
        "https://exämple.com/h",
    ],
)
def test_http_and_https_urls_with_a_host_are_usable_webhooks(url):
    assert check_url(url) == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("file:///etc/passwd", "http or https"),
        ("gopher://example.com:70/_x", "http or https"),
        ("javascript:alert(1)", "http or https"),
        ("ftp://example.com/", "http or https"),
        ("/relative/path", "http or https"),
        ("", "http or https"),
        ("http://", "with a host"),
        ("https:///path-only", "with a host"),
        ("http://example.com:99999/", "not a valid URL"),
        ("http://[::1/", "not a valid URL"),
        ("https://example.com/a\r\nX-Injected: 1", "control characters"),
        ("https://example.com/\x00", "control characters"),
        ("https://example.com/\u202e", "control characters"),
        ("https://example.com/a b", "spaces"),
        ("https://example.com/" + "a" * (1024 * 1024), "at most 2048"),
    ],
)
def test_other_urls_are_refused_with_the_reason(url, problem):
    with pytest.raises(ValueError, match=problem):
        check_url(url)


def test_the_length_cap_is_inclusive():
    url = "https://example.com/"
    assert check_url(url + "a" * (MAX_URL_LENGTH - len(url)))
    with pytest.raises(ValueError):
        check_url(url + "a" * (MAX_URL_LENGTH - len(url) + 1))


def test_secrets_compare_equal_only_when_equal():
    assert same_secret("s3cret", "s3cret")
    assert same_secret(b"s3cret", "s3cret")
    assert not same_secret("s3cret", "s3cret ")
    assert not same_secret(None, "s3cret")
    assert not same_secret("", "s3cret")


@pytest.mark.parametrize("given", ["ünïcödé", "\ud800", "\udcff", b"\xff\xfe", "tök\x00en"])
def test_comparing_any_input_never_raises(given):
    assert same_secret(given, "token") is False
    assert same_secret(given, given) is True


def test_two_different_lone_surrogates_are_different_secrets():
    assert not same_secret("\ud800", "\ud801")


def test_masking_shows_only_the_ends_of_a_long_secret():
    assert mask("abcdefghijklmnopyz") == "ab…yz"
    assert mask("abcdefgh") == "ab…gh"
    assert mask("short") == "…"
    assert mask("") == "…"


def test_masking_a_credential_header_keeps_its_scheme():
    assert mask_credential("api-key abcdefghijklmnopyz") == "api-key ab…yz"
    assert mask_credential("Bearer abcdefghijklmnopyz") == "Bearer ab…yz"
    assert mask_credential("abcdefghijklmnopyz") == "ab…yz"


def test_only_credential_headers_are_masked():
    headers = {
        "Authorization": "Basic dXNlcjpwYXNzd29yZA==",
        "x-api-key": "key-1234567890",
        "X-Auth-Token": "0123456789abcdef",
        "x-mockpost-token": "control-token-1",
        "cookie": "mockpost_console=abcdef0123456789",
        "content-type": "application/json",
    }
    masked = mask_headers(headers)
    assert masked == {
        "Authorization": "Basic dX…==",
        "x-api-key": "ke…90",
        "X-Auth-Token": "01…ef",
        "x-mockpost-token": "co…-1",
        "cookie": "mo…89",
        "content-type": "application/json",
    }


def test_the_first_use_of_an_identity_fixes_its_secret():
    from mockpost.core.tenancy import Tenancy, secret_admitted

    tenancy = Tenancy()
    assert tenancy.admit("p", "client:a", "one")
    assert not tenancy.admit("p", "client:a", "two")
    assert tenancy.admit("p", "client:a", "one")
    assert tenancy.admit("q", "client:a", "two")  # another provider, another identity
    tenancy.forget_secrets("p")
    assert tenancy.admit("p", "client:a", "two")
    assert secret_admitted("", "anything") and secret_admitted("pw", "pw")
    assert not secret_admitted("pw", "other")
