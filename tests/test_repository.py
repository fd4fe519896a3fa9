"""The repository's promises: the quick start's test command is what CI runs; the layout and data are there."""

from __future__ import annotations

import json
import re
import subprocess

from conftest import CORPORA, ROOT


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block, "the quick start has a console block"
    return [line[2:] for line in block.group(1).splitlines() if line.startswith("$ ")]


def test_repository_quick_start_is_two_commands() -> None:
    commands = _quick_start()
    assert len(commands) == 2
    assert "threadlens analyze corpora/seed-thread.txt" in commands[0]
    assert "-c constraints.txt" in commands[0] and "-c constraints.txt" in commands[1]
    assert '".[test]"' in commands[1] and commands[1].endswith("python -m pytest")


def test_repository_ci_runs_the_readme_test_command() -> None:
    test_command = _quick_start()[1].split("&& pip install", 1)[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"pip install{test_command}" in ci
    assert ci.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in ci


def test_repository_constraints_pin_the_cpu_torch() -> None:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    assert "torch==2.13.0" in lines
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "torch==" not in pyproject  # the library itself does not pin torch exactly


def test_repository_layout_and_shipped_models() -> None:
    for path in ("src/threadlens/py.typed", "corpora/seed-thread.txt", "corpora/connections/GUIDE.md",
                 "corpora/connections/DATASHEET.md", "models/connections/manifest.json",
                 "models/connections-lexical/manifest.json", "scripts/bench_stance.py", "scripts/bench_label.py"):
        assert (ROOT / path).is_file(), path
    for name in ("connections", "connections-lexical"):
        card = json.loads((ROOT / "models" / name / "card.json").read_text())
        train = CORPORA / "connections" / "train.jsonl"
        import hashlib

        assert card["training_data"]["train"]["sha256"] == hashlib.sha256(train.read_bytes()).hexdigest(), name


def test_repository_models_and_corpora_are_tracked_by_git() -> None:
    listed = subprocess.run(["git", "ls-files", "models", "corpora"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        import pytest

        pytest.skip("not a git checkout")
    tracked = set(listed.stdout.split())
    for model in ("connections", "connections-lexical"):
        for file in (ROOT / "models" / model).iterdir():
            assert f"models/{model}/{file.name}" in tracked, file
