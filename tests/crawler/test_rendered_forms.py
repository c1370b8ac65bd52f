"""A rendered page keeps the forms its served HTML offers, as it keeps its links."""

from __future__ import annotations

import pytest

from crawler.parse import parse_html
from crawler.snapshot import FormField, FormSnapshot
from crawler.steps import merge_forms

SIGN_IN = "https://portal.example/signin/authorize"
# An OpenID provider picker (openid-selector): its script replaces the identifier box with logos.
SERVED = f"""<html><body><form id="openid_form" method="post" action="{SIGN_IN}">
<div id="openid_input_area"><input type="text" name="openid_identifier"></div>
<input type="submit" value="Sign-In"></form></body></html>"""
RENDERED = f"""<html><body><form id="openid_form" method="post" action="{SIGN_IN}">
<div id="openid_btns"><a href="javascript:openid.signin('google')">Google</a></div></form></body></html>"""


def test_a_form_a_script_rebuilt_is_still_offered_as_served() -> None:
    served = parse_html(SERVED, "https://portal.example/").forms
    rendered = parse_html(RENDERED, "https://portal.example/").forms
    merged = merge_forms(rendered, served)
    assert [form.action for form in merged] == [SIGN_IN, SIGN_IN]
    assert "openid_identifier" in {field.name for field in merged[1].fields}


@pytest.mark.parametrize("served_fields", [("q",), ()])
def test_a_form_the_dom_still_has_is_not_counted_twice(served_fields: tuple[str, ...]) -> None:
    form = FormSnapshot("https://portal.example/search", "get", tuple(FormField(n, "text") for n in served_fields))
    assert merge_forms((form,), (form,)) == (form,)
