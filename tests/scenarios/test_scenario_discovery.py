"""Which files `mockpost run` takes for scenarios: a folder gives the YAML files that declare
themselves with `mockpost: 1`; a run that finds nothing fails, so a CI job with a wrong path
cannot pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockpost.cli import main
from mockpost.scenarios.loader import load_text
from mockpost.scenarios.yamlsource import ScenarioError

SCENARIO = """\
mockpost: 1
name: a campaign is created
providers: [ekopost]
accounts:
  ekopost:
    acme: {api_key: acme-key}
steps:
  - request: {method: POST, path: /campaigns, json: {name: March}}
    expect: {json: {state: opened}}
"""
LOAD_PROFILE = "name: nightly load\nstages:\n  - {duration: 5m, users: 50}\n"


def test_an_empty_folder_exits_2_instead_of_passing(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["run", str(tmp_path / "empty")]) == 2
    captured = capsys.readouterr()
    assert "0 passed" not in captured.out
    assert "no scenario files in" in captured.err and "mockpost: 1" in captured.err


def test_a_folder_runs_only_the_declared_scenarios_and_lists_the_other_yaml(tmp_path, capsys):
    (tmp_path / "created.yaml").write_text(SCENARIO)
    (tmp_path / "load.yaml").write_text(LOAD_PROFILE)
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "world.yaml").write_text(SCENARIO.replace("a campaign", "a fixture"))
    assert main(["run", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "1 passed" in captured.out and "a fixture" not in captured.out
    assert "skipped 1 YAML file(s)" in captured.err and "load.yaml" in captured.err


def test_a_folder_of_yaml_without_the_declaration_exits_2(tmp_path, capsys):
    (tmp_path / "load.yaml").write_text(LOAD_PROFILE)
    assert main(["run", str(tmp_path)]) == 2
    assert "no scenario files in" in capsys.readouterr().err


def test_a_named_file_without_the_declaration_runs_with_a_warning(tmp_path, capsys):
    path = tmp_path / "old.yaml"
    path.write_text(SCENARIO.replace("mockpost: 1\n", ""))
    assert main(["run", str(path)]) == 0
    captured = capsys.readouterr()
    assert "1 passed" in captured.out
    assert f"warning: {path} does not declare itself a scenario" in captured.err


def test_k_selecting_nothing_exits_2(tmp_path, capsys):
    (tmp_path / "created.yaml").write_text(SCENARIO)
    assert main(["run", str(tmp_path), "-k", "nothing like it"]) == 2
    assert "selects none of the 1 scenario(s)" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["2", "'1'", "true", ""])
def test_an_unknown_format_version_is_refused(value):
    with pytest.raises(ScenarioError, match="this mockpost reads scenario format 1: write 'mockpost: 1'"):
        load_text(SCENARIO.replace("mockpost: 1", f"mockpost: {value}"), "x.yaml")


def test_the_library_declares_every_scenario():
    library = Path(__file__).resolve().parents[2] / "scenarios"
    files = [p for p in library.rglob("*.yaml") if "fixtures" not in p.parts]
    assert files and all(p.read_text().startswith("mockpost: 1\n") for p in files)
