"""A date as three boxes (day, month, year): the NHS.UK date input pattern, for any Django form.

    from core.date_input import DateField
    date_of_birth = DateField(label="Date of birth", help_text="For example, 15 3 2016")

The widget reads `<name>-day`, `<name>-month` and `<name>-year`; what was typed comes back as typed
when the form has errors. `core.forms_nhsuk.field_params` asks the widget for its component
parameters (`nhsuk_params`), so templates render it with `field()` like every other field.
Error messages follow the NHS.UK pattern ("Date of birth must include a month").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.boundfield import BoundField

from lib import inputs

PARTS = ("day", "month", "year")


class DateInputWidget(forms.Widget):
    nhsuk_component = "dateInput"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str] | None:
        parts = {part: str(data.get(f"{name}-{part}") or "").strip() for part in PARTS}
        return parts if any(parts.values()) else None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(f"{name}-{part}" not in data for part in PARTS)

    def nhsuk_params(
        self,
        bound: BoundField,
        *,
        label: str,
        hint: dict[str, str] | None,
        error: dict[str, str] | None,
        label_classes: str = "",
        is_page_heading: bool = False,
    ) -> dict[str, Any]:
        value = bound.value()
        if isinstance(value, dt.date):
            values = {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        elif isinstance(value, dict):
            values = {part: str(value.get(part, "")) for part in PARTS}
        else:
            values = {}
        error_class = "nhsuk-input--error" if error else ""
        # The day box carries the field's own id, so the error summary's link lands on it.
        items = [
            {
                "id": bound.auto_id if part == "day" else f"{bound.auto_id}-{part}",
                "name": f"{bound.html_name}-{part}",
                "label": part.capitalize(),
                "value": values.get(part, ""),
                "width": 4 if part == "year" else 2,
                "classes": error_class,
            }
            for part in PARTS
        ]
        params: dict[str, Any] = {
            "id": f"{bound.auto_id}-date",
            "fieldset": {
                "legend": {
                    "text": label,
                    "classes": label_classes or "nhsuk-fieldset__legend--s",
                    "isPageHeading": is_page_heading,
                }
            },
            "items": items,
        }
        if hint:
            params["hint"] = hint
        if error:
            params["errorMessage"] = error
        return params


class DateField(forms.DateField):
    """A date typed into day, month and year boxes."""

    widget = DateInputWidget

    def __init__(self, *args: Any, error_name: str = "", **kwargs: Any) -> None:
        """`error_name` names the date in error messages when the label is a question, for example
        "the date the local authority received the request" ("Enter the date the local authority
        received the request", not "Enter when did the local authority receive ...?")."""
        self.error_name = error_name
        super().__init__(*args, **kwargs)

    def _name(self) -> str:
        label = str(self.error_name or self.label or "Date")
        return label[:1].upper() + label[1:]

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, dict):
            return super().to_python(value)
        missing = [part for part in PARTS if not value.get(part)]
        if len(missing) == len(PARTS):
            return None
        name = self._name()
        if missing:
            raise forms.ValidationError(f"{name} must include a {' and a '.join(missing)}", code="incomplete")
        try:
            day, month, year = (int(value[part]) for part in PARTS)
            if year < 1000:
                raise ValueError
            return dt.date(year, month, day)
        except (TypeError, ValueError):
            raise forms.ValidationError(f"{name} must be a real date", code="invalid") from None

    def validate(self, value: Any) -> None:
        if value in self.empty_values and self.required:
            named = self.error_name or str(self.label or "the date").lower()
            raise forms.ValidationError(f"Enter {named}", code="required")
        super().validate(value)
        if value not in self.empty_values:
            problem = inputs.date_problem(value)  # so no statutory clock overflows counting from it
            if problem:
                raise forms.ValidationError(f"{self._name()} {problem}", code="out_of_range")
