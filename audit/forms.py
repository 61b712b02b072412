from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms

from audit.models import Action
from core import forms as core_forms
from core.inputs import date_in_range


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AuditSearchForm(core_forms.Form):
    error_names = {"date_from": "the date to search from", "date_to": "the date to search to"}

    person = forms.CharField(
        label="Person", required=False, max_length=254, help_text="Their email address, or part of it"
    )
    child = forms.CharField(
        label="Child or young person",
        required=False,
        max_length=40,
        help_text="Their NHS number (10 digits) or the record's reference",
    )
    action = forms.ChoiceField(
        label="What they did", required=False, choices=[("", "Anything"), *Action.choices]
    )
    date_from = forms.DateField(label="From", required=False, widget=DateInput(), validators=[date_in_range])
    date_to = forms.DateField(label="To", required=False, widget=DateInput(), validators=[date_in_range])

    def clean_child(self) -> str:
        value = self.cleaned_data["child"].strip()
        if not value:
            return ""
        digits = value.replace(" ", "").replace("-", "")
        if digits.isdigit():
            if len(digits) != 10:
                raise forms.ValidationError("Enter an NHS number with 10 digits, or a record reference")
            return digits
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise forms.ValidationError("Enter an NHS number with 10 digits, or a record reference") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("date_from")
        end: dt.date | None = data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data

    def describe(self) -> str:
        """The filters in words, for the export's own audit event."""
        if not self.is_valid():
            return ""
        return (
            "; ".join(f"{name}={value}" for name, value in self.cleaned_data.items() if value) or "no filters"
        )
