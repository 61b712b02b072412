"""Error messages that name the field and say how to fix it, for every form in the product.

Django's own messages ("This field is required.", "Select a valid choice. X is not one of the
available choices.", "Ensure this value has at most 200 characters") name no field, so a page with
several errors leaves people guessing. Every form in the product derives from `Form` or `ModelForm`
here (or mixes in `NamedErrors`), and each of its fields' default messages is rewritten from its label
and widget, in the GOV.UK and NHS.UK pattern:

    Enter email address                 (a text box labelled "Email address" left empty)
    Select type of organisation         (a select, radios or checkboxes left empty)
    Enter name using 200 characters or fewer
    Enter email address in the correct format, like name@example.com
    Number of places must be a whole number
    Enter your answer to “Why is the request cancelled?” using 2000 characters or fewer

A message a form writes itself (a field's `error_messages`, or `error_names` naming the field when its
label is a question) is kept. tests/test_form_errors.py builds every form in the product and fails on
any message Django wrote, or that does not name its field.
"""

from __future__ import annotations

import re
from typing import ClassVar

from django import forms

ASIDE = re.compile(r"\s*\([^()]*\)\s*$")  # "(optional)", "(years)", "(only if different children)"

CHOOSING_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.SelectMultiple)


def _defaults(field: forms.Field) -> dict[str, str]:
    """Django's own messages for this field's class, by code."""
    defaults: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        if cls.__module__.startswith("django."):
            defaults.update({k: str(v) for k, v in cls.__dict__.get("default_error_messages", {}).items()})
    return defaults


def noun_for(label: str, *, choosing: bool = False) -> str:
    """How a message names a field from its label: "Email address" -> "email address", "NHS number"
    and "Local Offer areas" kept as written, a closing "(optional)" or other aside dropped. A question
    ("When did it start?") cannot be a noun, so it is quoted: "your answer to “When did it start?”"."""
    label = " ".join(str(label).split())
    if "?" in label:
        question = label[: label.index("?") + 1]
        return f"{'an' if choosing else 'your'} answer to “{question}”"
    label = ASIDE.sub("", label).rstrip(":").strip()
    words = label.split(" ")
    proper = len(words) > 1 and words[1][:1].isupper()  # "Local Offer areas", "NHS number"
    if len(label) > 1 and label[0].isupper() and not label[1].isupper() and not proper:
        label = label[0].lower() + label[1:]
    return label


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _escape(text: str) -> str:
    """For messages Django formats with %-parameters."""
    return text.replace("%", "%%")


def is_choosing(field: forms.Field) -> bool:
    """Whether the field is answered by choosing (a select, radios or checkboxes), not typing."""
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(
        field.widget, CHOOSING_WIDGETS
    )


def messages_for(field: forms.Field, noun: str) -> dict[str, str]:
    """The product's messages for this field, by Django's error code."""
    widget = field.widget
    choosing = is_choosing(field)
    if field.widget.is_hidden:  # never typed: only a stale or altered page sends it wrong
        wrong = f"The page was sent without a valid {noun}: go back, reload it and try again"
        return dict.fromkeys(("required", "invalid", "invalid_choice", "max_length"), wrong)
    name = _capital(noun)
    esc = _escape(noun)
    messages: dict[str, str] = {}
    if isinstance(field, forms.BooleanField) or isinstance(widget, forms.CheckboxInput):
        messages["required"] = f"Select “{_capital(noun)}” to continue"
    elif isinstance(field, forms.FileField):
        messages["required"] = f"Select {noun}"
        messages["missing"] = f"Select {noun}"
        messages["invalid"] = f"Select {noun}"
        messages["empty"] = f"The selected {noun} is empty"
        messages["max_length"] = f"The name of {esc} must be %(max)d characters or fewer"
        messages["contradiction"] = f"Select {noun} or remove the one chosen, not both"
    elif choosing:
        messages["required"] = f"Select {noun}"
    else:
        messages["required"] = f"Enter {noun}"
    if choosing:
        messages["invalid_choice"] = f"Select {esc} from the list"  # noqa: S608 - a message, not SQL
        messages["invalid_list"] = f"Select {noun} from the list"  # noqa: S608 - a message, not SQL
        messages["invalid_pk_value"] = f"Select {esc} from the list"  # noqa: S608 - a message, not SQL
    if isinstance(field, forms.EmailField):
        messages["invalid"] = f"Enter {noun} in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = f"Enter {noun} in the correct format, like https://www.example.com"
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{name} must be a whole number"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = f"{name} must be a number"
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = f"{name} must be a real date and time"
    elif isinstance(field, forms.DateField):
        messages["invalid"] = f"{name} must be a real date"
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"Enter {noun} as a time, like 09:30 or 17:00"
    elif isinstance(field, forms.UUIDField):
        messages["invalid"] = f"Enter {noun} as it was given to you"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        messages["max_value"] = f"{_capital(esc)} must be %(limit_value)s or less"
        messages["min_value"] = f"{_capital(esc)} must be %(limit_value)s or more"
        messages["step_size"] = f"{_capital(esc)} must be a multiple of %(limit_value)s"
        messages["max_digits"] = f"{_capital(esc)} must have %(max)s digits or fewer"
        messages["max_decimal_places"] = f"{_capital(esc)} must have %(max)s decimal places or fewer"
        messages["max_whole_digits"] = f"{_capital(esc)} must have %(max)s digits or fewer before the point"
    if isinstance(field, forms.CharField):
        messages["max_length"] = f"Enter {esc} using %(limit_value)d characters or fewer"
        messages["min_length"] = f"Enter {esc} using %(limit_value)d characters or more"
    messages["null_characters_not_allowed"] = f"{name} must not contain a null character"
    return messages


def name_errors(field: forms.Field, noun: str = "", *, field_name: str = "") -> None:
    """Rewrite the Django default messages of `field` (those its form did not write) to name it."""
    label = str(field.label or field_name.replace("_", " "))
    noun = noun or getattr(field, "error_name", "") or noun_for(label, choosing=is_choosing(field))
    if hasattr(field, "error_name") and not field.error_name:  # core.date_input.DateField's own messages
        field.error_name = noun
    defaults = _defaults(field)
    ours = messages_for(field, noun)
    for code, message in ours.items():
        current = field.error_messages.get(code)
        if current is None or str(current) == defaults.get(code) or current == "":
            field.error_messages[code] = message
    radios = isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    if radios and field.error_messages.get("invalid_choice") == ours.get("invalid_choice"):
        # Only an altered page sends a choice the options do not offer: ask for an answer again.
        field.error_messages["invalid_choice"] = _escape(str(field.error_messages["required"]))


class NamedErrors:
    """Mix into a form (before Django's form class): its fields' messages name them.

    `error_names` names a field in messages where its label would read badly, for example a question:
    `error_names = {"received": "the date the local authority received the request"}`.
    """

    error_names: ClassVar[dict[str, str]] = {}
    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        # Named when validating, so labels and fields a form's __init__ changes are named as shown.
        for name, field in self.fields.items():
            name_errors(field, self.error_names.get(name, ""), field_name=name)
        super().full_clean()  # type: ignore[misc]


class Form(NamedErrors, forms.Form):
    """A Django form whose messages name their fields (see the module's docstring)."""


class ModelForm(NamedErrors, forms.ModelForm):
    """A Django model form whose messages name their fields."""


class VersionForm(Form):
    """The version of the record the person saw (core.concurrency), carried by every page that changes
    a record: a service checks it, and a stale page gets the conflict page instead of overwriting."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
