"""The environment is read in one place: govaudit/settings.py.

Every other module of the six packages takes its settings as parameters (crawler/ and audits/ with Debian's
defaults), so that what a run uses is what its `Settings` say, and a test or a worker can hand one
explicitly. The walk looks at every module's syntax tree: `os.environ`, `os.getenv` (under any alias of
`os`) and `from os import environ` all count, wherever they are.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from audits.axe import AxeNotFound, find_axe_script
from audits.selenium_driver import DEFAULT_CHROMEDRIVER, SeleniumSettings
from crawler.render import DEFAULT_CHROMIUM, RenderSettings, default_chromium
from govaudit.selenium_audit import selenium_settings
from govaudit.settings import TRUSTED_PROXIES, Settings, WebSettings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "audits", "rules", "storage", "reports", "govaudit")
READERS = frozenset({"environ", "environb", "getenv", "getenvb"})
# Modules allowed to read the environment, each with its reason.
ALLOWED = {
    "govaudit/settings.py": "the one reader: Settings, WebSettings, WorkerConfig and a config file's secrets",
}


def _reads(source: str) -> list[int]:
    """The lines that read the environment."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in READERS:
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module in ("os", "posix"):
            lines.extend(node.lineno for alias in node.names if alias.name in READERS)
    return lines


def test_only_settings_reads_the_environment() -> None:
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.relative_to(ROOT).as_posix() not in ALLOWED
        for line in _reads(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_allowed_module_still_reads_it() -> None:
    """An exception that is no longer needed is removed, not left as a silent permission."""
    assert all(_reads((ROOT / path).read_text(encoding="utf-8")) for path in ALLOWED)


def test_the_walk_sees_each_way_of_reading() -> None:
    assert _reads("import os\nx = os.environ['A']") == [2]
    assert _reads("import os as o\ndef f():\n    return o.getenv('A')") == [3]
    assert _reads("from os import environ") == [1]
    assert _reads("from os import getenv as g") == [1]
    assert _reads("import os\nos.path.join('a')\nenviron = {}") == []


def test_the_browser_tools_come_from_the_settings_with_debian_defaults() -> None:
    """What crawler/ and audits/ used to read themselves: their defaults are Debian's, the variables win."""
    assert (Settings.from_env({}).chromium, Settings.from_env({}).chromedriver) == (
        DEFAULT_CHROMIUM,
        DEFAULT_CHROMEDRIVER,
    )
    assert RenderSettings().executable == DEFAULT_CHROMIUM and SeleniumSettings().chromedriver == DEFAULT_CHROMEDRIVER
    env = {
        "GOVAUDIT_CHROMIUM": "/opt/c/chrome",
        "GOVAUDIT_CHROMEDRIVER": "/opt/c/driver",
        "GOVAUDIT_AXE": "/opt/axe.js",
    }
    settings = Settings.from_env(env)
    assert (settings.chromium, settings.chromedriver, settings.axe_script) == (
        "/opt/c/chrome",
        "/opt/c/driver",
        "/opt/axe.js",
    )
    selenium = selenium_settings(settings)
    assert (selenium.executable, selenium.chromedriver) == ("/opt/c/chrome", "/opt/c/driver")


def test_a_configured_axe_script_is_the_one_found(tmp_path: Path) -> None:
    script = tmp_path / "axe.min.js"
    script.write_text("/* axe */")
    assert find_axe_script(str(script)) == script
    with pytest.raises(AxeNotFound, match="GOVAUDIT_AXE"):
        find_axe_script(tmp_path / "missing.js")


@pytest.mark.parametrize(("raw", "seconds"), [("2.5", 2.5), ("", 10.0), ("0", 10.0), ("-1", 10.0), ("often", 10.0)])
def test_the_progress_interval_is_a_positive_number_of_seconds(raw: str, seconds: float) -> None:
    assert Settings.from_env({"GOVAUDIT_PROGRESS_INTERVAL": raw}).progress_interval_s == seconds


def test_a_proxy_variable_means_the_run_is_behind_a_proxy() -> None:
    assert not Settings.from_env({}).behind_proxy
    assert not Settings.from_env({"HTTPS_PROXY": ""}).behind_proxy
    assert Settings.from_env({"https_proxy": "http://127.0.0.1:3128"}).behind_proxy


def test_the_web_apps_settings() -> None:
    assert WebSettings.from_env({}) == WebSettings("sqlite:///govaudit.db", None, "")
    web = WebSettings.from_env(
        {"GOVAUDIT_DATABASE_URL": "sqlite:///x.db", "GOVAUDIT_SECRET_KEY": "k" * 40, TRUSTED_PROXIES: "10.0.0.0/8"}
    )
    assert web == WebSettings("sqlite:///x.db", "k" * 40, "10.0.0.0/8")


def test_the_default_browser_is_the_headless_shell_where_installed(tmp_path: Path) -> None:
    shell, full = tmp_path / "chromium-headless-shell", tmp_path / "chromium"
    full.touch()
    assert default_chromium(str(shell), str(full)) == str(full)
    shell.touch()
    assert default_chromium(str(shell), str(full)) == str(shell)
