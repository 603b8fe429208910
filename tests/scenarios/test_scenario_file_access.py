"""What files a scenario may read: none when posted over HTTP, only below its own folder from disk."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from mockpost.scenarios.loader import load_file, load_text
from mockpost.scenarios.setup import load_into_server
from mockpost.scenarios.yamlsource import ScenarioError

KEY = {"Authorization": "api-key x"}
HOSTNAME_LEAK = """\
name: r
providers: [ekopost]
seed: {ekopost: {accounts: [{api_key: x, campaigns: [{name: !text /etc/hostname}]}]}}
"""


def world_reading(name: str, tag: str = "!text") -> str:
    return (
        "name: r\nproviders: [ekopost]\n"
        f"seed: {{ekopost: {{accounts: [{{api_key: x, campaigns: [{{name: {tag} {name}}}]}}]}}}}\n"
    )


@pytest.fixture
def secret_outside(tmp_path: Path) -> Path:
    """A folder with a scenario folder inside and a secret file next to it (outside it)."""
    (tmp_path / "secret.txt").write_text("top secret")
    folder = tmp_path / "scenarios"
    (folder / "fixtures").mkdir(parents=True)
    (folder / "fixtures" / "name.txt").write_text("Spring mailing")
    return folder


@pytest.mark.parametrize("tag", ["!text", "!base64", "!file", "!filesize"])
def test_a_scenario_posted_over_http_reads_no_file(mockpost, tag):
    response = mockpost.client().post("/_mockpost/scenarios", content=world_reading("/etc/hostname", tag))
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["line"] == 3 and "cannot read files" in problem["problem"]
    assert mockpost.client("ekopost", headers=KEY).get("/campaigns").json() == []


def test_the_hostname_is_not_handed_out_through_a_posted_scenario(mockpost):
    response = mockpost.client().post("/_mockpost/scenarios", content=HOSTNAME_LEAK)
    assert response.status_code == 422
    assert socket.gethostname() not in response.text
    assert mockpost.client("ekopost", headers=KEY).get("/campaigns").json() == []


def test_a_posted_scenario_naming_a_relative_file_reads_none_either(mockpost):
    response = mockpost.client().post("/_mockpost/scenarios", content=world_reading("pyproject.toml"))
    assert response.status_code == 422 and "cannot read files" in response.text


def test_a_posted_json_scenario_cannot_upload_a_servers_file(mockpost):
    body = {
        "name": "r",
        "providers": ["ekopost"],
        "steps": [{"request": {"method": "POST", "path": "/x", "files": {"f": "/etc/hostname"}}}],
    }
    response = mockpost.client().post("/_mockpost/scenarios", json=body)
    assert response.status_code == 422 and "cannot read files" in response.text


def test_a_scenario_from_disk_reads_files_below_its_folder(secret_outside):
    path = secret_outside / "ok.yaml"
    path.write_text(world_reading("fixtures/name.txt"))
    loaded = load_file(path)
    campaign = loaded.scenario.seed["ekopost"]["accounts"][0]["campaigns"][0]
    assert campaign["name"] == "Spring mailing"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("/etc/hostname", "absolute path"),
        ("../secret.txt", "leaves the scenario's folder"),
        ("fixtures/../../secret.txt", "leaves the scenario's folder"),
        ("fixtures/link.txt", "outside the scenario's folder"),
    ],
)
def test_a_scenario_from_disk_reads_nothing_outside_its_folder(secret_outside, name, reason):
    (secret_outside / "fixtures" / "link.txt").symlink_to(secret_outside.parent / "secret.txt")
    path = secret_outside / "bad.yaml"
    path.write_text(world_reading(name))
    with pytest.raises(ScenarioError) as caught:
        load_file(path)
    assert caught.value.line == 3 and reason in caught.value.problem
    assert "top secret" not in str(caught.value)


def test_a_folder_linked_out_of_the_scenario_folder_is_outside_too(secret_outside):
    (secret_outside / "elsewhere").symlink_to(secret_outside.parent)
    path = secret_outside / "bad.yaml"
    path.write_text(world_reading("elsewhere/secret.txt"))
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_file(path)


def test_a_request_uploads_only_files_below_the_scenario_folder(secret_outside):
    path = secret_outside / "upload.yaml"
    path.write_text(
        "name: r\nproviders: [ekopost]\nsteps:\n"
        "  - request: {method: POST, path: /x, files: {f: ../secret.txt}}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_file(path)
    assert caught.value.line == 4 and "leaves the scenario's folder" in caught.value.problem


def test_serve_scenario_refuses_a_file_outside_the_scenario_folder(mockpost, secret_outside):
    path = secret_outside / "world.yaml"
    path.write_text(world_reading("../secret.txt"))
    with pytest.raises(ScenarioError, match="leaves the scenario's folder"):
        load_into_server(mockpost.sandbox, [path], mockpost.url())  # what `serve --scenario` calls
    assert mockpost.client("ekopost", headers=KEY).get("/campaigns").json() == []


def test_a_scenario_given_as_text_reads_no_file_unless_given_a_folder(secret_outside):
    with pytest.raises(ScenarioError, match="cannot read files"):
        load_text(world_reading("fixtures/name.txt"))
    loaded = load_text(world_reading("fixtures/name.txt"), files_root=secret_outside)
    assert loaded.scenario.seed["ekopost"]["accounts"][0]["campaigns"][0]["name"] == "Spring mailing"
