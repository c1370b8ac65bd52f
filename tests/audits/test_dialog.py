"""Focus moved into a dialog that opens (2.4.3) on served pages in real Chromium."""

from __future__ import annotations

import pytest

from audits.checks.dialog import DialogFocusCheck
from audits.outcome import Outcome
from tests.audits.helpers import inspect_pages, only

pytestmark = pytest.mark.browser

CUSTOM = """<button type="button" id="open" aria-haspopup="dialog" aria-controls="d">Contact us</button>
<div id="d" role="dialog" {MODAL} aria-label="Contact form" hidden>
  <h2>Contact</h2><label>Email <input id="email"></label><button type="button" id="x">Close</button>
</div>
<script>
const d = document.getElementById('d');
document.getElementById('open').addEventListener('click', () => { d.hidden = false; {FOCUS} });
document.addEventListener('keydown', (e) => { if (e.key === 'Escape') d.hidden = true; });
</script>"""


def doc(body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council</title></head>'
        f"<body><main><h1>Council</h1><a href='/a'>News</a>{body}<p>Text after.</p></main></body></html>"
    )


def custom(modal: bool, focus: str) -> str:
    return doc(CUSTOM.replace("{MODAL}", 'aria-modal="true"' if modal else "").replace("{FOCUS}", focus))


def test_modal_that_leaves_focus_behind_fails_and_focusing_dialogs_pass(chromium: str) -> None:
    results = inspect_pages(
        chromium,
        {
            "/no-focus": custom(True, ""),
            "/late-focus": custom(True, "setTimeout(() => document.getElementById('email').focus(), 150);"),
            "/non-modal": custom(False, ""),
            "/native": doc(
                '<button type="button" commandfor="n" command="show-modal">Help</button>'
                '<dialog id="n"><p>Help text</p><button type="button" onclick="this.closest(\'dialog\').close()">'
                "Close</button></dialog>"
            ),
            "/native-script": doc(
                '<button type="button" aria-haspopup="dialog" id="o">Help</button>'
                '<dialog id="n"><p>Help text</p><form method="dialog"><button>Close</button></form></dialog>'
                "<script>document.getElementById('o').onclick = () => document.getElementById('n').showModal();"
                "</script>"
            ),
            "/none": doc('<button type="button">Print</button>'),
        },
        [DialogFocusCheck()],
    )
    bad = only(results["/no-focus"], "dialog-focus")
    assert bad.outcome is Outcome.FAILED, bad
    assert "Contact us" in bad.nodes[0].message and "control that opened it" in bad.nodes[0].message
    review = only(results["/non-modal"], "dialog-focus")
    assert review.outcome is Outcome.NEEDS_REVIEW and review.nodes[0].message.endswith("?")
    for path in ("/late-focus", "/native", "/native-script"):
        got = only(results[path], "dialog-focus")
        assert got.outcome is Outcome.PASSED, (path, got)
    assert only(results["/none"], "dialog-focus").outcome is Outcome.INAPPLICABLE
