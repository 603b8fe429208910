"""Fixtures, accounts and scenario files are checked against their schema: an unknown key is
refused with its file and line, the keys allowed there and the nearest one, and every mistake of a
file is listed at once. An accounts file makes only the providers it names strict."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from mockpost.cli import main
from mockpost.configfiles import ConfigError
from mockpost.fileschemas import KINDS, json_schema
from mockpost.providers import PROVIDERS
from mockpost.scenarios.loader import load_text
from mockpost.scenarios.yamlsource import ScenarioError
from mockpost.testing import Mockpost

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_fixtures_typo_is_refused_with_file_line_allowed_keys_and_did_you_mean(tmp_path):
    fixtures = write(
        tmp_path,
        "demo.yaml",
        "ekopost:\n  accounts:\n    - api_key: demo\n      campains:\n        - name: March\n",
    )
    with pytest.raises(ConfigError) as refused:
        Mockpost(fixtures=[fixtures])
    message = str(refused.value)
    assert message.startswith(f"{fixtures}:4: ekopost.accounts[0]: unknown key 'campains'; expected one of: ")
    assert "api_key, campaigns, credit_limit" in message
    assert message.endswith("did you mean 'campaigns'?")


def test_every_mistake_of_a_file_is_listed_at_once(tmp_path):
    fixtures = write(
        tmp_path,
        "demo.yaml",
        "ekopost:\n"
        "  accounts:\n"
        "    - api_key: demo\n"
        "      campaigns:\n"
        "        - {name: March, envelopes: [{name: a, adress: {}}]}\n"
        "inpots:\n"
        "  accounts: []\n"
        "nirva:\n"
        "  users: [{login: x, pasword: y}]\n",
    )
    with pytest.raises(ConfigError) as refused:
        Mockpost(fixtures=[fixtures])
    lines = str(refused.value).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{fixtures}:{n}" for n in (5, 6, 9)]
    assert "ekopost.accounts[0].campaigns[0].envelopes[0]: unknown key 'adress'" in lines[0]
    assert "did you mean 'address'?" in lines[0]
    assert "(top level): unknown key 'inpots'" in lines[1] and "did you mean 'inpost'?" in lines[1]
    assert "nirva.users[0]: unknown key 'pasword'" in lines[2] and "did you mean 'password'?" in lines[2]


def test_a_wrong_value_names_its_place_and_what_was_expected(tmp_path):
    fixtures = write(tmp_path, "demo.yaml", "inpost:\n  accounts:\n    - {token: t, read_only: perhaps}\n")
    with pytest.raises(ConfigError, match=r"demo.yaml:3: inpost.accounts\[0\].read_only: .*bool"):
        Mockpost(fixtures=[fixtures])


def test_an_accounts_typo_is_refused_with_file_line_and_did_you_mean(tmp_path):
    accounts = write(tmp_path, "accounts.yaml", "ekopost:\n  - name: acme\n    api_kye: k\n")
    with pytest.raises(ConfigError) as refused:
        Mockpost(accounts=accounts)
    message = str(refused.value)
    assert message.startswith(f"{accounts}:3: ekopost[0]: unknown key 'api_kye'; expected one of: ")
    assert message.endswith("did you mean 'api_key'?")


def test_accounts_make_only_the_providers_they_name_strict(tmp_path):
    accounts = write(tmp_path, "accounts.yaml", "ekopost:\n  - {name: acme, api_key: acme-key}\n")
    with Mockpost(accounts=accounts) as mock:
        eko = mock.client("ekopost")
        assert eko.get("/campaigns", headers={"Authorization": "api-key acme-key"}).status_code == 200
        assert eko.get("/campaigns", headers={"Authorization": "api-key other"}).status_code == 400
        inpost = mock.client("inpost", headers={"Authorization": "Bearer any-token"})
        assert inpost.get("/v1/organizations").status_code == 200  # InPost is not in the file: open
        easypost = mock.client("easypost-connect", headers={"x-api-key": "any"})
        assert easypost.get("/workflows").status_code == 200


def test_an_accounts_entry_without_credentials_is_listed_with_every_other(tmp_path):
    accounts = write(tmp_path, "accounts.yaml", "ekopost:\n  - {name: a}\n  - {name: b}\n")
    with pytest.raises(ConfigError) as refused:
        Mockpost(accounts=accounts)
    assert [line.split(": ")[0] for line in str(refused.value).splitlines()] == [
        f"{accounts}:2",
        f"{accounts}:3",
    ]


def test_a_scenario_seed_is_checked_like_a_fixtures_file():
    text = (
        "name: seeded\nproviders: [ekopost]\n"
        "seed:\n  ekopost:\n    accounts:\n      - api_key: k\n        campains: []\n"
        "steps:\n  - advance: 1s\n"
    )
    with pytest.raises(ScenarioError) as refused:
        load_text(text)
    assert refused.value.line == 7
    assert "seed.ekopost.accounts[0]: unknown key 'campains'" in refused.value.problem
    assert "did you mean 'campaigns'?" in refused.value.problem


def test_an_unknown_scenario_key_says_what_it_likely_meant():
    with pytest.raises(ScenarioError) as refused:
        load_text("name: x\nproviders: [ekopost]\nsteps:\n  - request: {path: /campaigns, methd: GET}\n")
    assert refused.value.problem.endswith("did you mean 'method'?")


def test_the_cli_lists_every_mistake_and_exits_2(tmp_path, capsys):
    fixtures = write(tmp_path, "demo.yaml", "ekopost:\n  acounts: []\nnirva:\n  jobz: []\n")
    assert main(["serve", "--fixtures", str(fixtures)]) == 2
    err = capsys.readouterr().err
    assert f"{fixtures}:2: ekopost: unknown key 'acounts'" in err and f"{fixtures}:4: nirva" in err


@pytest.mark.parametrize("kind", KINDS)
def test_mockpost_schema_prints_the_published_json_schema(kind):
    printed = subprocess.run(
        [sys.executable, "-m", "mockpost", "schema", kind], capture_output=True, text=True, check=True
    ).stdout
    schema = json.loads(printed)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text()), (
        f"schemas/{kind}.schema.json is out of date: mockpost schema {kind} > schemas/{kind}.schema.json"
    )


@pytest.mark.parametrize("path", sorted((ROOT / "fixtures").glob("*.yaml")), ids=lambda p: p.name)
def test_the_ready_made_fixtures_pass_the_published_schema(path):
    validator = jsonschema.Draft202012Validator(json_schema("fixtures", PROVIDERS))
    data = yaml.safe_load(path.read_text())
    assert list(validator.iter_errors(data)) == []


def test_an_editor_with_the_schema_refuses_the_typo_too():
    validator = jsonschema.Draft202012Validator(json_schema("fixtures", PROVIDERS))
    errors = list(validator.iter_errors({"ekopost": {"accounts": [{"api_key": "k", "campains": []}]}}))
    assert errors and "campains" in errors[0].message
