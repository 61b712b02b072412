"""Forms for the editor pages. They parse and check what was typed; service functions do the rest.

`ServiceForm` turns a service's values (directory.services.service_values) into fields and back, so
the same form serves a direct edit, a provider's proposal and a new service.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from accounts.models import Organisation
from core import forms as core_forms
from core.forms import VersionForm
from directory.models import ProblemReport, Provider, Service, TaxonomyTerm
from directory.services import SCALAR_FIELDS, TERM_FIELDS
from lib.weekdays import DAY_CODES, DAY_NAMES

COST_ROWS = 3
EDITABLE_STATUSES = [
    (Service.Status.ACTIVE.value, "Active: open to new people"),
    (Service.Status.TEMPORARILY_CLOSED.value, "Temporarily closed"),
]


def _terms(vocabulary: str) -> list[tuple[str, str]]:
    return list(
        TaxonomyTerm.objects.filter(taxonomy__vocabulary=vocabulary)
        .order_by("position", "name")
        .values_list("code", "name")
    )


class TimeText(forms.TimeField):
    """A time typed as 09:00 or 9:30, shown back as HH:MM."""

    widget = forms.TimeInput(format="%H:%M", attrs={"class": "nhsuk-input--width-5", "spellcheck": "false"})
    # %H:%M:%S: a stored time shown back before this widget formatted it is still accepted as sent
    input_formats = ["%H:%M", "%H:%M:%S", "%H.%M", "%H%M"]
    default_error_messages = {"invalid": "Enter a time like 09:00 or 17:30"}


class ServiceForm(core_forms.Form):
    name = forms.CharField(label="Service name", max_length=255)
    description = forms.CharField(
        label="What the service offers",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Plain English: what happens, who runs it, what families can expect",
    )
    eligibility_description = forms.CharField(
        label="Who the service is for", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    minimum_age = forms.IntegerField(
        label="Youngest age (years)",
        required=False,
        min_value=0,
        max_value=99,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
        help_text="Leave empty if there is no lower limit",
    )
    maximum_age = forms.IntegerField(
        label="Oldest age (years)",
        required=False,
        min_value=0,
        max_value=99,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
        help_text="Leave empty if there is no upper limit",
    )
    referral = forms.ChoiceField(
        label="How do people get this service?", choices=Service.Referral.choices, widget=forms.RadioSelect
    )
    application_process = forms.CharField(
        label="How to access the service or be referred",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    is_free = forms.TypedChoiceField(
        label="Is the service free to use?",
        choices=[("yes", "Yes, it is free"), ("no", "No, there is a cost")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    fees_description = forms.CharField(
        label="About the cost", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    email = forms.EmailField(
        label="Email address", required=False, widget=forms.EmailInput(attrs={"spellcheck": "false"})
    )
    phone = forms.CharField(
        label="Phone number", required=False, max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    url = forms.URLField(
        label="Website",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example, https://example.org",
    )
    needs = forms.MultipleChoiceField(
        label="Needs the service supports", required=False, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label="Categories", required=False, widget=forms.CheckboxSelectMultiple
    )
    delivery = forms.MultipleChoiceField(
        label="How the service is delivered", required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label="Status", choices=EDITABLE_STATUSES, widget=forms.RadioSelect)
    alert = forms.CharField(
        label="Alert on the service page",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="A short notice, for example a holiday closure. Leave empty for none",
    )
    areas = forms.MultipleChoiceField(
        label="Local Offer areas that list this service", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, with_areas: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, vocabulary in TERM_FIELDS.items():
            cast(forms.ChoiceField, self.fields[key]).choices = _terms(vocabulary)
        for day, day_name in DAY_NAMES.items():
            self.fields[f"{day.lower()}_opens"] = TimeText(label=f"{day_name} opens at", required=False)
            self.fields[f"{day.lower()}_closes"] = TimeText(label=f"{day_name} closes at", required=False)
        existing = sum(1 for key in self.initial if key.startswith("cost_") and key.endswith("_option"))
        self.cost_row_count = max(COST_ROWS, existing + 1)
        for n in range(1, self.cost_row_count + 1):
            self.fields[f"cost_{n}_option"] = forms.CharField(
                label=f"Cost {n}: what it is for", required=False, max_length=255
            )
            self.fields[f"cost_{n}_amount"] = forms.DecimalField(
                label=f"Cost {n}: amount in pounds",
                required=False,
                min_value=0,
                max_digits=10,
                decimal_places=2,
                widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "decimal"}),
            )
        if with_areas:
            cast(forms.ChoiceField, self.fields["areas"]).choices = [
                (str(pid), name)
                for pid, name in Organisation.objects.filter(
                    kind=Organisation.Kind.LOCAL_AUTHORITY, is_active=True
                ).values_list("public_id", "name")
            ]
        else:
            del self.fields["areas"]
        # A service that is neither active nor temporarily closed keeps its status as a choice.
        current = self.initial.get("status")
        if current and current not in dict(EDITABLE_STATUSES):
            cast(forms.ChoiceField, self.fields["status"]).choices = [
                *EDITABLE_STATUSES,
                (current, str(Service.Status(current).label)),
            ]

    # Names used by the template to lay out the table of opening times and the cost rows.
    def day_rows(self) -> list[tuple[str, Any, Any]]:
        return [
            (name, self[f"{day.lower()}_opens"], self[f"{day.lower()}_closes"])
            for day, name in DAY_NAMES.items()
        ]

    def cost_rows(self) -> list[tuple[int, Any, Any]]:
        return [
            (n, self[f"cost_{n}_option"], self[f"cost_{n}_amount"]) for n in range(1, self.cost_row_count + 1)
        ]

    @classmethod
    def initial_from_values(cls, values: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            k: v
            for k, v in values.items()
            if k not in {"opening_times", "cost_options", "is_free"} and v is not None
        }
        if values.get("is_free") is not None:
            initial["is_free"] = "yes" if values["is_free"] else "no"
        for day in DAY_CODES:
            hours = (values.get("opening_times") or {}).get(day)
            if hours:
                initial[f"{day.lower()}_opens"] = dt.time.fromisoformat(hours[0])
                initial[f"{day.lower()}_closes"] = dt.time.fromisoformat(hours[1])
        for n, option in enumerate(values.get("cost_options") or [], start=1):
            initial[f"cost_{n}_option"] = option.get("option") or ""
            initial[f"cost_{n}_amount"] = option.get("amount")
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", "The oldest age must be the same as or more than the youngest age")
        for day, name in DAY_NAMES.items():
            opens, closes = data.get(f"{day.lower()}_opens"), data.get(f"{day.lower()}_closes")
            if bool(opens) != bool(closes) and f"{day.lower()}_opens" not in self.errors:
                missing = f"{day.lower()}_closes" if opens else f"{day.lower()}_opens"
                if missing not in self.errors:
                    self.add_error(missing, f"Enter both the opening and closing time for {name}, or neither")
            elif opens and closes and closes <= opens:
                self.add_error(f"{day.lower()}_closes", f"The closing time for {name} must be after it opens")
        for n in range(1, self.cost_row_count + 1):
            if data.get(f"cost_{n}_amount") is not None and not data.get(f"cost_{n}_option"):
                self.add_error(f"cost_{n}_option", f"Say what cost {n} is for, for example 'per session'")
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned form as service values (the shape services.update_service and proposals take)."""
        data = self.cleaned_data
        values: dict[str, Any] = {name: data.get(name) for name in [*SCALAR_FIELDS, "phone", *TERM_FIELDS]}
        for key in TERM_FIELDS:
            values[key] = sorted(values[key] or [])
        if "areas" in self.fields:
            values["areas"] = sorted(data.get("areas") or [])
        values["opening_times"] = {
            day: [
                data[f"{day.lower()}_opens"].strftime("%H:%M"),
                data[f"{day.lower()}_closes"].strftime("%H:%M"),
            ]
            for day in DAY_CODES
            if data.get(f"{day.lower()}_opens") and data.get(f"{day.lower()}_closes")
        }
        values["cost_options"] = [
            {
                "option": data.get(f"cost_{n}_option") or "",
                "amount": None if data.get(f"cost_{n}_amount") is None else f"{data[f'cost_{n}_amount']:.2f}",
            }
            for n in range(1, self.cost_row_count + 1)
            if data.get(f"cost_{n}_option") or data.get(f"cost_{n}_amount") is not None
        ]
        return values


class ProposalNoteForm(core_forms.Form):
    note = forms.CharField(
        label="Anything the Local Offer team should know about this change",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class NewServiceProviderForm(core_forms.Form):
    """Which provider a new service belongs to."""

    provider = forms.ModelChoiceField(
        label="Provider", queryset=Provider.objects.none(), empty_label="Choose a provider"
    )

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["provider"])
        field.queryset = providers
        field.to_field_name = "public_id"


class RejectForm(VersionForm):
    reason = forms.CharField(
        label="Why is this change not approved?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The provider sees this reason",
        error_messages={"required": "Enter a reason for not approving the change"},
    )


class ApproveForm(VersionForm):
    # The service's version when the editor read the proposal against it (none for a new service).
    service_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    note = forms.CharField(
        label="Note to the provider (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ServiceSearchForm(core_forms.Form):
    error_names = {"q": "the service or provider name"}

    q = forms.CharField(label="Search by service or provider name", required=False, max_length=100)
    stale = forms.BooleanField(label="Only records due for review", required=False)


class ResolveReportForm(VersionForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("resolved", "Resolved: we changed the record"), ("dismissed", "No action needed")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an outcome"},
    )
    response = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="If the person left an email address, we send them this",
        error_messages={"required": "Say what was done about the report"},
    )


#: The largest file the editor's import takes (a whole Local Offer as ORUK JSON is a few megabytes).
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportForm(core_forms.Form):
    FORMATS = [("csv", "CSV (the Local Offer template)"), ("oruk", "Open Referral UK JSON")]
    format = forms.ChoiceField(label="File format", choices=FORMATS, widget=forms.RadioSelect, initial="csv")
    file = forms.FileField(label="Upload a file", error_messages={"required": "Choose a file to upload"})
    dry_run = forms.BooleanField(label="Check the file only: do not save anything", required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_IMPORT_BYTES // (1024 * 1024)}MB: split it into several files"
            )
        return upload


PROBLEM_STATUS_FILTERS = [
    ("new", "New"),
    ("in_progress", "In progress"),
    ("closed", "Resolved"),
]
CLOSED_REPORT_STATUSES = [ProblemReport.Status.RESOLVED, ProblemReport.Status.DISMISSED]
