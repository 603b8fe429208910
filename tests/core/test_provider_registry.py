"""Providers are imported and built on first use: names, mounts and routing work before that."""

import pytest

from mockpost.config import Settings
from mockpost.core.registry import ProviderEntry
from mockpost.providers import PROVIDERS
from mockpost.sandbox import ConfigError, Sandbox
from mockpost.testing import Mockpost


@pytest.mark.parametrize("entry", PROVIDERS, ids=lambda entry: entry.name)
def test_each_entry_names_its_class_exactly(entry: ProviderEntry):
    cls = entry.load_class()
    assert (cls.name, cls.mount, cls.title) == (entry.name, entry.mount, entry.title)


def test_an_entry_that_disagrees_with_its_class_is_refused():
    wrong = ProviderEntry("ekopost", "/eko", "Ekopost", "mockpost.providers.ekopost", "EkopostProvider")
    with pytest.raises(RuntimeError, match="not ProviderEntry"):
        wrong.load_class()


def test_nothing_is_loaded_until_used_and_then_only_what_was_used():
    with Mockpost() as mock:
        providers = mock.sandbox.providers
        assert sorted(providers) == sorted(entry.name for entry in PROVIDERS)  # known, not loaded
        assert providers.loaded() == []
        client = mock.client()
        assert client.get("/_mockpost/health").status_code == 200
        assert client.get("/_mockpost/clock").status_code == 200
        assert providers.loaded() == []
        answer = client.get("/ekopost/campaigns", headers={"Authorization": "api-key registry"})
        assert answer.status_code == 200
        assert [provider.name for provider in providers.loaded()] == ["ekopost"]
        mock.reset()  # a reset touches only what exists
        assert [provider.name for provider in providers.loaded()] == ["ekopost"]


def test_an_unloaded_provider_still_answers_unknown_routes_in_its_own_envelope():
    with Mockpost() as mock:
        answer = mock.client().get("/inpost/v1/nothing-here", headers={"Authorization": "Bearer registry"})
        assert answer.status_code == 404 and answer.json()["error"] == "resource_not_found"


def test_provider_control_routes_load_their_provider_and_generic_ones_keep_their_405():
    with Mockpost() as mock:
        client = mock.client()
        wrong_method = client.get("/_mockpost/ekopost/transition", headers={"Authorization": "api-key r"})
        assert wrong_method.status_code == 405
        webhook = client.get("/_mockpost/inpost/webhook")
        assert webhook.status_code == 401  # the provider's own control route, asking for its token
        assert webhook.json()["error"] == "token_invalid"
        assert mock.sandbox.providers.is_loaded("inpost")


def test_every_provider_loads_when_listed_and_when_warmed():
    with Mockpost() as mock:
        listed = mock.client().get("/_mockpost/providers").json()["items"]
        assert sorted(item["name"] for item in listed) == sorted(entry.name for entry in PROVIDERS)
        assert len(mock.sandbox.providers.loaded()) == len(PROVIDERS)
    sandbox = Sandbox(Settings(), PROVIDERS)
    sandbox.warm_up()
    assert len(sandbox.providers.loaded()) == len(PROVIDERS)


def test_options_build_their_provider_at_start_so_mistakes_fail_at_once():
    with pytest.raises(ConfigError, match="unknown provider 'ekopots'"):
        Sandbox(Settings(options={"ekopots": {"print_after": "1h"}}), PROVIDERS)
    sandbox = Sandbox(Settings(options={"ekopost": {"print_after": "1h"}}), PROVIDERS)
    assert sandbox.providers.is_loaded("ekopost") and not sandbox.providers.is_loaded("afosto")


def test_a_path_belongs_to_the_provider_whose_mount_is_its_first_segment():
    providers = Sandbox(Settings(), PROVIDERS).providers
    assert providers.owner_of("/ekopost/campaigns/1") == ("ekopost", "/campaigns/1")
    assert providers.owner_of("/ekopost") == ("ekopost", "/")
    assert providers.owner_of("/ekopostal/x") == ("", "/ekopostal/x")
    assert providers.owner_of("/_mockpost/health") == ("", "/_mockpost/health")
    assert providers.loaded() == []  # knowing the owner loads nothing
