"""Public form fields remembered by their parameters render exactly as the uncached ones, escaped."""

from __future__ import annotations

import pytest
from django import forms
from django.template import engines

from core import forms_nhsuk


class SearchForm(forms.Form):
    q = forms.CharField(label="Search for", required=False)
    cost = forms.ChoiceField(
        label="Cost", choices=[("", "Any"), ("free", "Free")], widget=forms.RadioSelect, required=False
    )


def render(source: str, **context) -> str:
    template = engines["jinja2"].from_string(
        '{% from "macros/forms.jinja" import field, public_field %}' + source
    )
    return template.render(context)


@pytest.fixture(autouse=True)
def _empty_cache():
    forms_nhsuk._remembered.clear()
    yield
    forms_nhsuk._remembered.clear()


def test_a_remembered_field_is_the_same_html_as_the_field():
    form = SearchForm({"q": "speech therapy", "cost": "free"})
    for name in ("q", "cost"):
        plain = render("{{ field(form[name]) }}", form=form, name=name)
        assert render("{{ public_field(form[name]) }}", form=form, name=name) == plain
        assert render("{{ public_field(form[name]) }}", form=form, name=name) == plain  # from memory
    assert 'value="speech therapy"' in render("{{ public_field(form.q) }}", form=form)


def test_what_was_typed_is_escaped_every_time_and_each_value_has_its_own_entry():
    typed = SearchForm({"q": '<script>alert("x")</script>'})
    for _ in range(2):
        html = render("{{ public_field(form.q) }}", form=typed)
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
    other = render("{{ public_field(form.q) }}", form=SearchForm({"q": "autism"}))
    assert 'value="autism"' in other


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(forms_nhsuk, "REMEMBER_FIELDS", 3)
    for n in range(10):
        render("{{ public_field(form.q) }}", form=SearchForm({"q": f"word {n}"}))
    assert len(forms_nhsuk._remembered) == 3
