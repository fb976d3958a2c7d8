"""The GitHub workflows run what .ci/run runs, and release what HACS installs.

CONTRIBUTING.md and the README say CI runs what .ci/run runs; these tests hold the workflows
in .github/workflows/ to it, command by command.
"""

from pathlib import Path
import re
import shlex
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def _workflow(name: str) -> dict[Any, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def _on(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as True.
    return workflow.get("on", workflow.get(True))


def _run_lines(workflow: dict[Any, Any]) -> dict[str, list[str]]:
    """Return each job's shell lines, continued lines joined, comments left out."""
    jobs = {}
    for job_id, job in workflow["jobs"].items():
        lines = []
        for step in job.get("steps", []):
            script = step.get("run", "").replace("\\\n", " ")
            lines += [
                " ".join(line.split())
                for line in script.splitlines()
                if line.strip() and not line.strip().startswith("#")
            ]
        jobs[job_id] = lines
    return jobs


def _all_workflows() -> dict[str, dict[Any, Any]]:
    return {path.name: _workflow(path.name) for path in sorted(WORKFLOWS.glob("*.yml"))}


def ci_run_commands(text: str) -> list[str]:
    """Return the project's commands .ci/run runs: the lines calling scripts/ or .venv/."""
    commands = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = " ".join(raw.split())
        if re.match(r"(scripts/|\.venv[\w-]*/bin/)", line):
            commands.append(line)
    return commands


def test_ci_run_commands_are_found() -> None:
    """The reading of .ci/run finds its steps (so the next test is not vacuous)."""
    commands = ci_run_commands((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert {
        "scripts/test",
        "scripts/test --browser",
        "scripts/develop --check",
        "scripts/develop --newest --check",
        "scripts/benchmark --short",
        "scripts/test --floor",
    } <= set(commands)
    assert any(command.startswith(".venv/bin/mypy ") for command in commands)


def test_every_ci_run_command_is_in_a_workflow_job() -> None:
    """Each command of .ci/run is a line of a job's run step in tests.yml."""
    commands = ci_run_commands((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    jobs = _run_lines(_workflow("tests.yml"))
    missing = [
        command
        for command in commands
        if not any(command in lines for lines in jobs.values())
    ]
    assert not missing, f"in .ci/run but in no job of tests.yml: {missing}"


def test_tests_run_on_every_push_and_pull_request() -> None:
    """tests.yml runs on every push and pull request."""
    on = _on(_workflow("tests.yml"))
    assert "push" in on
    assert "pull_request" in on
    assert on["push"] is None or not set(on["push"]) & {"branches", "paths", "tags"}


def test_every_job_running_scripts_has_python_314() -> None:
    """Home Assistant 2026.10 needs Python >= 3.14.2: each job gets 3.14 from setup-python."""
    for name, workflow in _all_workflows().items():
        for job_id, job in workflow["jobs"].items():
            runs = "\n".join(step.get("run", "") for step in job.get("steps", []))
            if not re.search(r"\bscripts/|python", runs):
                continue
            setups = [
                step
                for step in job["steps"]
                if step.get("uses", "").startswith("actions/setup-python@")
            ]
            assert len(setups) == 1, (name, job_id)
            assert str(setups[0]["with"]["python-version"]) == "3.14", (name, job_id)


def test_every_action_is_pinned() -> None:
    """Each action names a release or a commit, never a moving branch."""
    for name, workflow in _all_workflows().items():
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                if uses := step.get("uses"):
                    ref = uses.partition("@")[2]
                    assert re.fullmatch(r"v?\d+\.\d+\.\d+|[0-9a-f]{40}", ref), (
                        name,
                        uses,
                    )


def test_validate_runs_hassfest_and_hacs() -> None:
    """validate.yml runs hassfest and the HACS action for an integration."""
    steps = [
        step
        for job in _workflow("validate.yml")["jobs"].values()
        for step in job["steps"]
    ]
    uses = [step.get("uses", "").partition("@")[0] for step in steps]
    assert "home-assistant/actions/hassfest" in uses
    hacs = [step for step in steps if step.get("uses", "").startswith("hacs/action@")]
    assert len(hacs) == 1
    assert hacs[0]["with"]["category"] == "integration"


def test_monthly_matrix_of_releases() -> None:
    """ha-releases.yml runs monthly a matrix from scripts/ha_releases.py, both ways."""
    workflow = _workflow("ha-releases.yml")
    (cron,) = [entry["cron"] for entry in _on(workflow)["schedule"]]
    _minute, _hour, day, month, weekday = cron.split()
    assert day.isdigit()
    assert (month, weekday) == ("*", "*")
    jobs = _run_lines(workflow)
    assert "matrix=$(python scripts/ha_releases.py matrix)" in jobs["releases"]
    leg = workflow["jobs"]["release"]
    assert leg["needs"] == "releases"
    assert "needs.releases.outputs.matrix" in leg["strategy"]["matrix"]
    assert leg["env"]["FLIPSNACK_HA_VERSION"] == "${{ matrix.ha }}"
    by_condition = {step.get("if"): step.get("run", "") for step in leg["steps"]}
    tests = by_condition["matrix.phcc != ''"].split()
    assert tests == ["scripts/setup", "--floor", "scripts/test", "--floor"]
    assert by_condition["matrix.phcc == ''"] == "scripts/develop --newest --check"


def _release_steps() -> list[str]:
    return _run_lines(_workflow("release.yml"))["release"]


def test_release_runs_on_version_tags_only() -> None:
    """release.yml runs on v*.*.* tags, and may write the release."""
    workflow = _workflow("release.yml")
    on = _on(workflow)
    assert set(on) == {"push"}
    assert on["push"] == {"tags": ["v*.*.*"]}
    assert workflow["permissions"] == {"contents": "write"}


def test_release_checks_stamps_zips_and_attaches_in_that_order() -> None:
    """The tag is checked before anything is made, and the zip attached last."""
    lines = _release_steps()
    order = [
        next(index for index, line in enumerate(lines) if line.startswith(prefix))
        for prefix in (
            'python scripts/release.py check "$GITHUB_REF_NAME"',
            'python scripts/release.py stamp "${GITHUB_REF_NAME#v}"',
            "python scripts/release.py zip ",
            "gh release ",
        )
    ]
    assert order == sorted(order)


def release_zip_name() -> str:
    """Return the name of the zip the release workflow makes."""
    (line,) = [
        line
        for line in _release_steps()
        if line.startswith("python scripts/release.py zip ")
    ]
    return shlex.split(line)[-1]


def test_release_attaches_the_zip_it_makes() -> None:
    """The file given to gh release is the zip made."""
    name = release_zip_name()
    attaching = [line for line in _release_steps() if line.startswith("gh release")]
    assert attaching
    for line in attaching:
        if " upload " in line or " create " in line:
            assert name in shlex.split(line), line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "scripts/test\nif x; then\n  scripts/develop --check\nfi\n",
            ["scripts/test", "scripts/develop --check"],
        ),
        ("echo x\nscripts/benchmark \\\n  --short\n", ["scripts/benchmark --short"]),
        ("# scripts/test\n.venv/bin/mypy a\n", [".venv/bin/mypy a"]),
    ],
)
def test_ci_run_commands_reads_lines(text: str, expected: list[str]) -> None:
    """Commands, indented or not, continued lines joined; comments are not commands."""
    assert ci_run_commands(text) == expected
