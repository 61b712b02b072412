"""Every form's errors name the field and say how to fix it, all at once, with an error summary that
links to each field (issue 10: the GOV.UK and NHS.UK error pattern, across the whole product).

Two checks:

- Every Form class in the product's own modules (found by importing them, not listed by hand, so a
  form added later is checked too) is built with empty data and with wrong values, validated, and each
  message is checked: none of Django's own wording ("This field is required.", "Select a valid choice.",
  "Ensure this value ..."), each field's message names it (its label's key words, or the form's
  `error_names`), and no error about the whole form says "This field is required.".
- Every POST form found by walking the GET routes as side 1's personas and the visitor is sent back
  with its visible fields empty; a page that answers with errors has "Error: " first in its title and an
  error summary with a link for each error shown, each to an element id on the page.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from tests.test_page_guards import ROUTES

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR).resolve()
SKIP_MODULE_PARTS = {"tests", "migrations", "testing", "conftest"}

# Django's own wording, in any form (its messages with parameters filled in included).
DJANGO_WORDING = re.compile(
    r"This field is required|Enter a valid |Select a valid choice|is not one of the available choices|"
    r"Ensure this (value|filename)|Enter a whole number|^Enter a number\.|Enter a list of values|"
    r"No file was submitted|The submitted file is empty|Null characters are not allowed|"
    r"Enter a complete value|is not a valid value|didn’t match|Please submit",
    re.IGNORECASE,
)
SMALL_WORDS = {
    "the", "and", "for", "this", "that", "with", "your", "you", "their", "its", "are", "was", "what",
    "which", "who", "when", "how", "does", "did", "has", "have", "from", "any", "all", "not", "one",
    "optional", "known", "about", "into", "they", "them",
}  # fmt: skip


def product_modules() -> list[str]:
    """Every module of the product's own apps (those under the project directory), except tests."""
    names = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        # A virtualenv inside the checkout (a fresh clone's .venv) holds third-party apps under BASE too.
        if BASE not in path.parents or path.relative_to(BASE).parts[0] in {".venv", "node_modules"}:
            continue
        names.append(config.name)
        for info in pkgutil.walk_packages([str(path)], prefix=f"{config.name}."):
            if SKIP_MODULE_PARTS & set(info.name.split(".")):
                continue
            names.append(info.name)
    return names


def product_forms() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    modules = set(product_modules())
    for name in sorted(modules):
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if not issubclass(value, forms.BaseForm) or value.__module__ not in modules:
                continue  # not a form, or one imported from Django or another module
            abstract = (
                issubclass(value, forms.BaseModelForm)
                and getattr(getattr(value, "_meta", None), "model", None) is None
            )
            if not abstract:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[key] for key in sorted(found)]


FORMS = product_forms()


def _keyword_arguments(form_class: type[forms.BaseForm], personas: Any) -> dict[str, Any]:
    """What a form's constructor needs besides data, from the personas (by the parameter's name)."""
    from accounts.models import Organisation, User
    from directory.models import Provider

    side = personas.side(1)
    known: dict[str, Any] = {
        "role_choices": [("dco", "Designated clinical officer"), ("clinician", "Clinician")],
        "parents": Organisation.objects.all(),
        "authorities": Organisation.objects.filter(pk=side.la.pk),
        "local_authorities": Organisation.objects.filter(pk=side.la.pk),
        "events": [("request_received", "A request is received")],
        "child": side.child,
        "providers": Provider.objects.all(),
        "user": personas["dco_1"].user,
        "organisation": side.dco_service,
        "versioned": True,
        "approvers": User.objects.filter(pk=personas["dco_1"].user.pk),
        "needs": [("speech", "Speech and language")],
        "categories": [("therapy", "Therapy")],
    }
    needed: dict[str, Any] = {}
    for cls in form_class.__mro__:
        init = cls.__dict__.get("__init__")
        if init is None:
            continue
        for name, parameter in inspect.signature(init).parameters.items():
            if parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD) and name in known:
                needed.setdefault(name, known[name])
    return needed


def _build(form_class: type[forms.BaseForm], personas: Any, data: dict[str, Any]) -> forms.BaseForm:
    kwargs = _keyword_arguments(form_class, personas)
    try:
        return form_class(data=data, files={}, **kwargs)
    except TypeError as error:
        pytest.fail(
            f"{form_class.__qualname__} could not be built ({error}): say what its constructor needs "
            "in tests/test_form_errors.py _keyword_arguments"
        )


def _wrong_values(form: forms.BaseForm) -> dict[str, Any]:
    """A wrong value for each field: a choice not offered, text too long, a number that is not one."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if getattr(field.widget, "nhsuk_component", "") == "dateInput":
            data.update({f"{key}-day": "31", f"{key}-month": "2", f"{key}-year": "2020"})
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[key] = ["not-offered"]
        elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            data[key] = "not-offered"
        elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            data[key] = "twelve"
        elif isinstance(field, forms.EmailField):
            data[key] = "not an e-mail address"
        elif isinstance(field, forms.URLField):
            data[key] = "not a web address"
        elif isinstance(field, forms.CharField):
            data[key] = "x" * ((field.max_length or 100) + 1)
    return data


def _key_words(label: str) -> set[str]:
    """A label's words that name something ("roles" and "role" alike)."""
    words = re.findall(r"[a-z0-9]+", label.lower())
    return {w.removesuffix("s") for w in words if len(w) > 2 and w not in SMALL_WORDS}


def declared(field: forms.Field) -> set[str]:
    """The messages a form wrote itself for a field (its `error_messages`), which may word it freely."""
    from core.forms import messages_for, noun_for

    ours = set(messages_for(field, noun_for(str(field.label or ""))).values())
    return {str(m) for m in field.error_messages.values()} - ours


def message_problems(form: forms.BaseForm) -> list[str]:
    """What is wrong with a validated form's messages (empty when nothing is)."""
    problems = []
    named = getattr(form, "error_names", {})
    for message in form.non_field_errors():
        if DJANGO_WORDING.search(str(message)):
            problems.append(f"the form as a whole: {message!r} is Django's wording")
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        field = form.fields[name]
        label = str(field.label or name.replace("_", " "))
        words = _key_words(label) | _key_words(named.get(name, "")) | _key_words(name.replace("_", " "))
        for message in errors:
            text = str(message)
            if DJANGO_WORDING.search(text):
                problems.append(f"{name}: {text!r} is Django's wording")
            elif (
                words
                and not words & _key_words(text)
                and label.lower().rstrip("?") not in text.lower()
                and text not in declared(field)
            ):
                problems.append(f"{name}: {text!r} does not name {label!r}")
    return problems


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_form_names_each_field_in_its_messages(personas, form_class):
    empty = _build(form_class, personas, {})
    empty.is_valid()
    wrong = _build(form_class, personas, _wrong_values(empty))
    wrong.is_valid()
    problems = [f"empty: {p}" for p in message_problems(empty)]
    problems += [f"wrong values: {p}" for p in message_problems(wrong)]
    assert not problems, "\n".join(problems)


def test_the_forms_are_found():
    """The discovery finds the product's forms across its apps (and none of Django's own)."""
    modules = {cls.__module__.split(".")[0] for cls in FORMS}
    assert {"accounts", "children", "directory", "audit", "advice", "core"} <= modules
    assert all(not cls.__module__.startswith("django.") for cls in FORMS)


def test_the_check_catches_django_wording_and_unnamed_messages():
    class Bad(forms.Form):
        email = forms.EmailField(label="Email address")
        team = forms.ChoiceField(label="Team", choices=[("a", "A")])
        notes = forms.CharField(label="Notes", required=False)

        def clean_notes(self) -> str:
            raise forms.ValidationError("Enter something")

    bad = Bad(data={"email": "x"})
    bad.is_valid()
    problems = message_problems(bad)
    assert len(problems) == 3, problems


def test_the_central_rule_names_fields_from_labels_and_widgets():
    from core.forms import Form

    class Good(Form):
        email = forms.EmailField(label="Email address", max_length=20)
        kind = forms.ChoiceField(label="Type of organisation", choices=[("a", "A")])
        nhs = forms.CharField(label="NHS number")
        places = forms.IntegerField(label="Number of places", max_value=9)
        agree = forms.BooleanField(label="I have checked the details")
        question = forms.CharField(label="When did it start?")

    good = Good(data={"email": "not an address", "places": "12"})
    good.is_valid()
    assert good.errors == {
        "email": ["Enter email address in the correct format, like name@example.com"],
        "kind": ["Select type of organisation"],
        "nhs": ["Enter NHS number"],
        "places": ["Number of places must be 9 or less"],
        "agree": ["Select “I have checked the details” to continue"],
        "question": ["Enter your answer to “When did it start?”"],
    }
    long = Good(data={"email": "a" * 30 + "@example.com", "kind": "z"})
    long.is_valid()
    assert long.errors["email"] == ["Enter email address using 20 characters or fewer"]
    assert long.errors["kind"] == ["Select type of organisation from the list"]
    assert message_problems(good) == message_problems(long) == []


def test_error_names_name_dates_and_hidden_fields_say_to_reload():
    from core.date_input import DateField
    from core.forms import Form

    class Dated(Form):
        error_names = {"given_on": "the date consent was given"}
        given_on = DateField(label="When was consent given?")
        version = forms.IntegerField(widget=forms.HiddenInput)

    dated = Dated(data={"given_on-day": "31", "given_on-month": "2", "given_on-year": "2026"})
    dated.is_valid()
    assert dated.errors["given_on"] == ["The date consent was given must be a real date"]
    assert dated.errors["version"] == [
        "The page was sent without a valid version: go back, reload it and try again"
    ]
    empty = Dated(data={})
    empty.is_valid()
    assert empty.errors["given_on"] == ["Enter the date consent was given"]


# Messages a service or rule writes, put next to a field by casework.forms.add_service_errors, are not
# the form's own, so the check above never sees them (a section 23 draft with no profession once said
# "Choose one of the options"). Wording that could belong to any field is refused in the source.
GENERIC_WORDING = re.compile(
    r"""["'](Choose|Select) (one of the options|an option|one)["']|"""
    r"""["'](This|The) (field|value|answer) is (required|invalid|not valid)["']|["']Invalid (value|choice)["']""",
    re.IGNORECASE,
)


def test_no_service_writes_a_message_that_names_no_field():
    found = []
    for name in product_modules():
        path = Path(importlib.import_module(name).__file__ or "")
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if GENERIC_WORDING.search(line):
                found.append(f"{path.relative_to(BASE)}:{number}: {line.strip()}")
    assert not found, "messages that name no field:\n" + "\n".join(found)


def test_the_source_check_catches_generic_wording():
    assert GENERIC_WORDING.search('errors[name] = "Choose one of the options"')
    assert not GENERIC_WORDING.search('errors["team"] = "Choose the trust team to ask"')


# The rendered pages ------------------------------------------------------------------------------------

SUMMARY = re.compile(r'class="nhsuk-error-summary"[^>]*>.*?</ul>', re.DOTALL)
SUMMARY_LINK = re.compile(r'<a\s+href="#([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
INLINE_ERROR = re.compile(
    r'<span class="nhsuk-error-message"[^>]*>\s*<span class="nhsuk-u-visually-hidden">[^<]*</span>(.*?)</span>',
    re.DOTALL,
)
TITLE = re.compile(r"<title[^>]*>\s*(.*?)\s*</title>", re.DOTALL)
IDS = re.compile(r'\sid="([^"]+)"')
# Forms whose empty POST is not a form to fill in: signing out ends the walk's shared session.
NOT_FILLED_IN = ("/sign-out", "/logout")


class PostForms(HTMLParser):
    """The POST forms of a page that have something to fill in: action, hidden values, visible fields."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self.current = {
                "action": a.get("action") or "",
                "hidden": {},
                "visible": 0,
                "post": method == "post",
            }
        elif self.current is not None and tag in {"input", "textarea", "select"}:
            kind = (a.get("type") or "text").lower()
            if kind == "hidden" and a.get("name"):
                self.current["hidden"][a["name"]] = a.get("value") or ""
            elif kind not in {"submit", "button", "hidden"}:
                self.current["visible"] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.current is not None:
            if self.current["post"] and self.current["visible"]:
                self.found.append(self.current)
            self.current = None


def _text(html: str) -> str:
    html = re.sub(r'<span class="nhsuk-u-visually-hidden">[^<]*</span>', "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#39;", "'").replace("&quot;", '"')


def error_page_problems(html: str) -> list[str]:
    """What is wrong with a page that shows errors (empty when nothing is, or when it shows none)."""
    inline = [_text(m) for m in INLINE_ERROR.findall(html)]
    summary = SUMMARY.search(html)
    if not inline and summary is None:
        return []
    problems = []
    title = TITLE.search(html)
    if title is None or not title[1].startswith("Error: "):
        problems.append(f"title {title[1] if title else None!r} does not start with 'Error: '")
    if summary is None:
        return [*problems, f"errors {inline} but no error summary"]
    links = SUMMARY_LINK.findall(summary[0])
    ids = set(IDS.findall(html))
    items = len(re.findall(r"<li[\s>]", summary[0]))
    if len(links) != items:
        problems.append(f"{items} errors in the summary but {len(links)} links")
    texts = [_text(text) for _, text in links]
    for target, text in links:
        if target not in ids:
            problems.append(f"summary link {text!r} goes to #{target}, which is not on the page")
    for message in inline:
        if message not in texts:
            problems.append(f"error {message!r} by its field is not in the summary")
    return problems


def test_the_page_check_catches_a_summary_without_links():
    html = (
        '<title>Sign in</title><div class="nhsuk-error-summary"><ul><li><a href="#">Enter x</a></li>'
        '</ul></div><input id="id_x"><span class="nhsuk-error-message" id="x-error">Enter x</span>'
    )
    assert len(error_page_problems(html)) == 2


def test_every_form_page_shows_all_its_errors_with_a_summary_linking_to_each_field(personas):
    failures: list[str] = []
    posted = shown = 0
    people = personas.one_per_role()
    for persona in people:
        client = persona.client()
        seen: set[str] = set()
        for route in ROUTES:
            if route.name.startswith(("admin:", "oruk:", "casework-api:")):
                continue
            try:
                fillings = personas.route_kwargs(route.name, route.params)
            except KeyError:
                continue
            for kwargs in fillings[:1]:
                path = reverse(route.name, kwargs=kwargs)
                response = client.get(path)
                if response.status_code != 200 or not response.get("Content-Type", "").startswith(
                    "text/html"
                ):
                    continue
                parser = PostForms()
                parser.feed(response.content.decode())
                for found in parser.found:
                    action = found["action"] or path
                    if action in seen or any(part in action for part in NOT_FILLED_IN):
                        continue
                    seen.add(action)
                    answer = client.post(action, found["hidden"])
                    posted += 1
                    if not answer.get("Content-Type", "").startswith("text/html") or answer.streaming:
                        continue
                    html = answer.content.decode()
                    shown += bool(SUMMARY.search(html) or INLINE_ERROR.search(html))
                    for problem in error_page_problems(html):
                        failures.append(f"{action} as {persona.name} ({answer.status_code}): {problem}")
    assert posted > 30 and shown > 30, f"the walk posted {posted} forms, {shown} answered with errors"
    print(f"\nform errors: {posted} forms posted empty, {shown} answered with errors")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(sorted(set(failures)))


def test_a_search_form_sent_with_wrong_values_shows_the_summary(personas):
    """GET forms too: the access log's search with a date that does not exist and a text too long."""
    client = personas["dco_1"].client()
    response = client.get(reverse("audit:search"), {"date_from": "2026-02-31", "person": "x" * 300})
    html = response.content.decode()
    assert error_page_problems(html) == []
    assert SUMMARY.search(html), "no error summary"
    texts = [_text(text) for _, text in SUMMARY_LINK.findall(SUMMARY.search(html)[0])]
    assert "The date to search from must be a real date" in texts
    assert "Enter person using 254 characters or fewer" in texts
