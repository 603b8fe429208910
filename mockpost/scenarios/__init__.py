"""YAML scenarios: one file describes a world (clock, accounts, seed data, behaviour rules,
faults) and the steps a client takes in it, with the answers it expects.

The same file runs in-process (`mockpost run FILE`), against any running mockpost or a real
provider sandbox (`--target`), loads into a server (`mockpost serve --scenario FILE`,
`POST /_mockpost/scenarios`) and is collected by pytest. Reference: docs/scenarios.md.

Modules (one job each): yamlsource (YAML with line numbers and tags), schema (pydantic models),
loader (validation mapped to lines), matchers, jsonpath, variables, setup (a scenario's world into
a sandbox), rules (behaviour overrides), targets (where steps run), runner, deliveries (checking
webhook delivery records), report, command
(`mockpost run`), providers/ (what each provider needs: auth, accounts, signatures, timeline).
Nothing is imported here, so `mockpost --help` stays fast.
"""
