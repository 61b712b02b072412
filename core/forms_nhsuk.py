"""The one adapter from Django form fields to NHS.UK frontend component parameters.

Templates call the `field` macro in macros/forms.jinja, which calls `field_params` here and then the
matching NHS.UK macro, so every form shows labels, hints, error messages and the error summary the
same way, and keeps what the user typed.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from markupsafe import Markup


def component_for(bound: BoundField) -> str:
    widget = bound.field.widget
    custom = getattr(widget, "nhsuk_component", None)  # for example core.date_input
    if custom:
        return str(custom)
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "fileUpload"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    return "input"


def _error(bound: BoundField) -> dict[str, str] | None:
    if bound.errors:
        return {"text": " ".join(str(e) for e in bound.errors)}
    return None


def _as_strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value]
    return [str(value)]


def field_params(bound: BoundField, **overrides: Any) -> dict[str, Any]:
    """Parameters for the NHS.UK macro that renders this field."""
    field = bound.field
    widget = field.widget
    kind = component_for(bound)
    label_text = str(bound.label)
    label_classes = overrides.pop("label_classes", "")
    is_page_heading = overrides.pop("is_page_heading", False)
    hint = {"text": str(field.help_text)} if field.help_text else None
    attributes = {k: v for k, v in widget.attrs.items() if k not in {"class"}}
    if field.required and kind not in {"checkboxes", "radios", "checkbox"}:
        attributes.setdefault("aria-required", "true")
    classes = widget.attrs.get("class", "")
    params: dict[str, Any] = {"id": bound.id_for_label or bound.auto_id, "name": bound.html_name}
    if hint:
        params["hint"] = hint
    error = _error(bound)
    if error:
        params["errorMessage"] = error
    if hasattr(widget, "nhsuk_params"):  # a widget that builds its own component (core.date_input)
        params = widget.nhsuk_params(
            bound,
            label=label_text,
            hint=hint,
            error=error,
            label_classes=label_classes,
            is_page_heading=is_page_heading,
        )
        params.update(overrides)
        params["_kind"] = kind
        return params

    if kind in {"checkboxes", "radios"}:
        # The group's wrapper must not take the first input's id, or that input's label (and the
        # error summary link) would point at the wrapper instead.
        params.pop("id", None)
        selected = set(_as_strings(bound.value()))
        legend_classes = label_classes or "nhsuk-fieldset__legend--s"
        params["idPrefix"] = bound.auto_id
        params["fieldset"] = {
            "legend": {"text": label_text, "classes": legend_classes, "isPageHeading": is_page_heading}
        }
        params["items"] = [
            {"value": str(value), "text": str(text), "checked": str(value) in selected}
            for value, text in getattr(field, "choices", [])
            if str(value) != "" or kind == "checkboxes"
        ]
        if classes:
            params["classes"] = classes
    elif kind == "checkbox":
        params = {
            "idPrefix": bound.auto_id,
            "name": bound.html_name,
            "items": [{"value": "on", "text": label_text, "checked": bool(bound.value()), "hint": hint}],
        }
        if error:
            params["errorMessage"] = error
    else:
        params["label"] = {"text": label_text, "classes": label_classes, "isPageHeading": is_page_heading}
        if kind == "select":
            current = set(_as_strings(bound.value()))
            params["items"] = [
                {"value": str(value), "text": str(text), "selected": str(value) in current}
                for value, text in getattr(field, "choices", [])
            ]
        elif kind not in {"fileUpload", "password"}:
            value = bound.value()
            if value is not None and kind != "password":
                params["value"] = bound.field.widget.format_value(value) if kind == "input" else value
        if kind == "input":
            input_type = getattr(widget, "input_type", "text")
            params["type"] = input_type
            if isinstance(widget, forms.NumberInput):
                params["type"] = "text"
                params["inputmode"] = "numeric"
            if widget.attrs.get("autocomplete"):
                params["autocomplete"] = widget.attrs["autocomplete"]
            if widget.attrs.get("spellcheck") is not None:
                params["spellcheck"] = widget.attrs["spellcheck"]
        if kind == "textarea":
            params["rows"] = widget.attrs.get("rows", 5)
        if classes:
            params["classes"] = classes
    if attributes:
        params["attributes"] = {
            k: v for k, v in attributes.items() if k not in {"rows", "cols", "autocomplete"}
        }
    params.update(overrides)
    params["_kind"] = kind
    return params


def error_summary_params(*forms_: forms.BaseForm | None) -> dict[str, Any] | None:
    """The error summary for one or more forms, linking each message to its field."""
    items: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound or not form.errors:
            continue
        # An error about the form as a whole links to its first field, where the answer starts.
        first = next((form[name].auto_id for name in form.fields if not form[name].is_hidden), "")
        for message in form.non_field_errors():
            items.append({"text": str(message), "href": f"#{first or 'maincontent'}"})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            # The first checkbox or radio carries the bare id, so the link lands on it.
            target = bound.auto_id
            for message in errors:
                items.append({"text": str(message), "href": f"#{target}"})
    if not items:
        return None
    return {"titleText": "There is a problem", "errorList": items}


_remembered: OrderedDict[str, Markup] = OrderedDict()
_remembered_lock = threading.Lock()
REMEMBER_FIELDS = 2048


def remembered_component(render: Callable[[str, dict[str, Any]], Any], params: dict[str, Any]) -> Markup:
    """`render(kind, params)` (the NHS.UK component macro), remembered per process by its parameters.

    The NHS.UK macros cost a few milliseconds a field; the public search form renders the same few
    fields with the same values over and over. Only for fields that hold nothing personal (the
    `public_field` macro): what a family types in the public search is no secret, but a child's
    record must never sit in a process-wide cache.
    """
    params = dict(params)
    kind = params.pop("_kind")
    key = json.dumps([kind, params], sort_keys=True, default=str)
    with _remembered_lock:
        html = _remembered.get(key)
        if html is not None:
            _remembered.move_to_end(key)
            return html
    html = Markup(render(kind, params))  # noqa: S704 - the macro's own (escaped) output  # nosec
    with _remembered_lock:
        _remembered[key] = html
        while len(_remembered) > REMEMBER_FIELDS:
            _remembered.popitem(last=False)
    return html
