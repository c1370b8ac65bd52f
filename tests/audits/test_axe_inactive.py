"""WCAG 1.4.3 exempts inactive components: the dimmed hint of a disabled checkbox is not a contrast failure."""

from __future__ import annotations

import asyncio

import pytest

from audits.axe import AxeInspector, find_axe_script
from audits.outcome import Outcome
from crawler.addresses import AddressGuard
from crawler.render import Renderer, RenderSettings
from tests.localserver import LocalServer, page

pytestmark = pytest.mark.browser

# GOV.UK Frontend's disabled checkbox item: the label and its hint are dimmed with opacity.
ITEM = (
    '<div class="item"><input id="{id}" type="checkbox" aria-describedby="{id}-hint"{disabled}>'
    '<label for="{id}">Verify</label><div id="{id}-hint" style="color:#a4a4a4">You have an account</div></div>'
)


def contrast(chromium: str, body: str) -> dict[Outcome, list[str]]:
    inspector = AxeInspector(script=find_axe_script())

    async def go(url: str) -> dict[Outcome, list[str]]:
        settings = RenderSettings(executable=chromium, init_scripts=(inspector.script,), measure_widths=())
        async with Renderer(AddressGuard(allow_private=True), settings) as renderer:
            outcome = await renderer.render(url, [inspector])
        found = [r for r in outcome.inspections["axe"] if r.rule_id == "color-contrast"]
        return {r.outcome: [n.selector for n in r.nodes] for r in found}

    with LocalServer({"/": page("Form", body)}) as server:
        return asyncio.run(asyncio.wait_for(go(server.url("/")), 180))


def test_the_hint_of_a_disabled_control_is_exempt_and_an_enabled_ones_is_not(chromium: str) -> None:
    exempt = contrast(chromium, ITEM.format(id="a", disabled=" disabled"))
    assert Outcome.PASSED in exempt and Outcome.FAILED not in exempt, exempt
    mixed = contrast(chromium, ITEM.format(id="a", disabled=" disabled") + ITEM.format(id="b", disabled=""))
    assert mixed[Outcome.FAILED] == ["#b-hint"], mixed
