"""Forms for the casework pages. They parse and check what people type; the rules that change records
live in advice.services, whose ValidationErrors are put back on these forms (`add_service_errors`).
The version field, attachments and `add_service_errors` are casework's, shared with every kind of case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organisation
from advice.models import (
    MAY_NOT_APPLY,
    NOT_APPLICABLE,
    QUALITY_CRITERIA,
    AdviceRequest,
    EHCNeedsAssessment,
    QualityCheck,
    TimeLimitException,
)
from casework.forms import AttachmentsField, VersionForm
from casework.forms import add_service_errors as add_service_errors  # views use it from here
from core import forms as core_forms
from core.date_input import DateField

# --- the LA's request ---------------------------------------------------------------------------


class AssessmentRequestForm(core_forms.Form):
    """The EHC needs assessment and the request for health advice, on one page."""

    request_received_on = DateField(
        label="When did the local authority receive the request for an EHC needs assessment?",
        help_text="The day it arrived, not the day it was logged. For example, 4 9 2026",
        error_name="the date the local authority received the request",
    )
    confirm_old_date = forms.BooleanField(
        label="Yes, the request was received more than a year ago",
        required=False,
        help_text="Only tick this if the date above is right: requests are usually sent within weeks.",
    )
    clock_start_type = forms.ChoiceField(
        label="What started the 20-week clock?",
        choices=EHCNeedsAssessment.ClockStart.choices,
        initial=EHCNeedsAssessment.ClockStart.S36_REQUEST,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what started the 20-week clock"},
        help_text=(
            "The time limits in regulations 4, 5, 10 and 13 run either from the day the LA received a "
            "request under section 36(1) of the Children and Families Act 2014 (from a parent, a young "
            "person or a school), or from the day the LA became responsible for the child under section "
            "24 (when the child was brought to its attention, for example by a section 23 notification)."
        ),
    )
    clock_start_date = DateField(
        label="Clock start date (if different)",
        required=False,
        error_name="the clock start date",
        help_text="Leave blank if the clock started on the day the request was received.",
    )
    decision_to_assess_on = DateField(
        label="When did the local authority decide to assess? (optional)",
        required=False,
        error_name="the date the local authority decided to assess",
        help_text="Regulation 5: within 6 weeks of the clock start.",
    )
    la_reference = forms.CharField(
        label="Your reference (optional)",
        required=False,
        max_length=50,
        help_text="Your case-management system's reference, so you can find it again.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    questions = forms.CharField(
        label="What would you like health to advise on?",
        help_text="The questions for health. Include the parents' or young person's concerns.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": "Say what you would like health to advise on"},
    )
    known_health_involvement = forms.CharField(
        label="Known health involvement (optional)",
        required=False,
        help_text="Services and professionals you know are involved, for example community paediatrics.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    attachments = AttachmentsField()

    def __init__(self, *args: Any, date_of_birth: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.date_of_birth = date_of_birth

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        received = data.get("request_received_on")
        today = timezone.localdate()
        if received and received > today:
            self.add_error(
                "request_received_on", "The date the request was received must be today or in the past"
            )
        elif received and self.date_of_birth and received < self.date_of_birth:
            self.add_error(
                "request_received_on",
                "The date the local authority received the request cannot be before the child's date of "
                f"birth ({self.date_of_birth.day} {self.date_of_birth:%B %Y})",
            )
        elif received and received < today - dt.timedelta(days=365) and not data.get("confirm_old_date"):
            self.add_error(
                "request_received_on",
                "The date the local authority received the request is more than a year ago: check it, or "
                "tick ‘Yes, the request was received more than a year ago’",
            )
        start = data.get("clock_start_date") or received
        decided = data.get("decision_to_assess_on")
        if start and decided and decided < start:
            self.add_error("decision_to_assess_on", "The decision to assess cannot be before the clock start")
        return data


# --- the DCO routes it --------------------------------------------------------------------------


class RouteForm(VersionForm):
    """Choose provider teams (one group of checkboxes per trust), the day they receive it, and notes."""

    received_on = DateField(
        label="Date the teams receive it",
        error_name="the date the teams receive it",
        help_text=(
            "Each team's 6 weeks (regulation 8) start on this day. Usually today. "
            "To give teams different dates, route them one at a time."
        ),
    )
    lawful_basis = forms.ChoiceField(
        label="Confirm the lawful basis for sharing",
        required=False,
        widget=forms.RadioSelect,
        help_text="Required because of the warning above. What you choose is kept in the access log.",
    )
    triage_notes = forms.CharField(
        label="Triage notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen by the DCO service and the teams.",
        max_length=5000,
    )

    def __init__(
        self,
        *args: Any,
        teams: Iterable[Organisation] = (),
        already: Sequence[int] = (),
        earliest: Any = None,
        lawful_bases: dict[str, str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        # Offered (and required) only when the child has a sharing warning.
        self.needs_lawful_basis = bool(lawful_bases)
        basis = self.fields["lawful_basis"]
        assert isinstance(basis, forms.ChoiceField)
        basis.choices = list((lawful_bases or {}).items())
        if not self.needs_lawful_basis:
            del self.fields["lawful_basis"]
        self.earliest = earliest  # the day health received the request: no team receives it before
        self.fields["received_on"].initial = timezone.localdate()
        groups: dict[str, list[Organisation]] = {}
        trust_names: dict[str, str] = {}
        for team in teams:
            key = str(team.parent_id or 0)
            groups.setdefault(key, []).append(team)
            trust_names[key] = team.parent.name if team.parent_id and team.parent else "Other teams"
        self.team_field_names: list[str] = []
        self.teams_by_pk = {str(t.pk): t for group in groups.values() for t in group}
        for key in sorted(groups, key=lambda k: trust_names[k]):
            name = f"teams_{key}"
            self.fields[name] = forms.MultipleChoiceField(
                label=trust_names[key],
                required=False,
                choices=[
                    (str(t.pk), f"{t.name} (already routed)" if t.pk in already else t.name)
                    for t in groups[key]
                ],
                widget=forms.CheckboxSelectMultiple,
            )
            self.team_field_names.append(name)
        # Optional: a team that receives it on another day (its own reg 8 clock starts then).
        self.team_date_names: list[str] = []
        for key in sorted(groups, key=lambda k: trust_names[k]):
            for team in groups[key]:
                name = f"received_on_{team.pk}"
                self.fields[name] = DateField(
                    label=team.name, required=False, error_name=f"the date {team.name} receives it"
                )
                self.team_date_names.append(name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.needs_lawful_basis and not data.get("lawful_basis"):
            self.add_error(
                "lawful_basis", "Confirm the lawful basis for sharing before you route this request"
            )
        chosen = [pk for name in self.team_field_names for pk in data.get(name, [])]
        if not chosen and self.team_field_names:
            self.add_error(self.team_field_names[0], "Choose at least one provider team")
        today = timezone.localdate()
        received = data.get("received_on")
        if received and received > today:
            self.add_error("received_on", "The date the teams receive it must be today or in the past")
        if received and self.earliest and received < self.earliest:
            self.add_error(
                "received_on",
                f"The date the teams receive it must be on or after {self.earliest:%-d %B %Y}, "
                "the day health received the request",
            )
        data["teams"] = [self.teams_by_pk[pk] for pk in chosen]
        data["received_by_team"] = {}
        for pk in chosen:
            own = data.get(f"received_on_{pk}")
            if own and own > today:
                self.add_error(
                    f"received_on_{pk}", "The date the team receives it must be today or in the past"
                )
            if own and self.earliest and own < self.earliest:
                self.add_error(
                    f"received_on_{pk}",
                    f"The date the team receives it must be on or after {self.earliest:%-d %B %Y}",
                )
            data["received_by_team"][int(pk)] = own or received
        return data


# --- the team answers ---------------------------------------------------------------------------


class NotKnownForm(VersionForm):
    reason = forms.CharField(
        label="Why is the child not known to your service, and what did you do?",
        help_text=(
            "For example: no referral received; a health assessment was offered on 3 March. "
            "The LA receives this as your response (a nil return)."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Explain why, and what was done"},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise ValidationError("Explain why, and what was done (for example a health assessment offered)")
        return reason


class ExceptionForm(VersionForm):
    """A reg 8(2) exception: recorded beside the deadline, never moving it."""

    code = forms.ChoiceField(
        label="Which circumstance applies?",
        choices=TimeLimitException.Code.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the circumstance that applies"},
    )
    start_on = DateField(
        label="When did it start?",
        error_name="the date it started",
        help_text="For a missed appointment, the date of the appointment. It must fall within the 6 weeks.",
    )
    end_on = DateField(
        label="When did it end? (optional unless the child was absent)",
        required=False,
        error_name="the date it ended",
        help_text="An absence must cover at least 4 weeks of the 6-week period.",
    )
    reason = forms.CharField(
        label="Why did this make meeting the 6 weeks impractical?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Explain why the circumstance made the 6 weeks impractical"},
    )
    approved_by: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Who approved it?",
        queryset=None,
        empty_label="Choose the approver",
        help_text="The area's DCO or the team's manager.",
        error_messages={"required": "Choose who approved the exception"},
    )

    def __init__(self, *args: Any, approvers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        approved_by = self.fields["approved_by"]
        assert isinstance(approved_by, forms.ModelChoiceField)
        approved_by.queryset = approvers
        approved_by.label_from_instance = lambda u: f"{u.get_full_name() or u.email} ({u.email})"  # type: ignore[method-assign,assignment]


class AdviceForm(VersionForm):
    """Structured advice (statutory.md 5.3): the text parts and who gave it; the rows are formsets.
    `draft_version`: the version of the draft the page was filled from (0: none yet)."""

    draft_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    views_and_aspirations = forms.CharField(
        label="The child's and family's views and aspirations",
        required=False,
        help_text="And how you found them out (quality checklist Q3).",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    strengths = forms.CharField(
        label="Strengths and what the child can do",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    preparing_for_adulthood = forms.CharField(
        label="Preparing for adulthood (Year 9 and above)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
    )
    related_plans = forms.CharField(
        label="Related plans (optional)",
        required=False,
        help_text="Individual healthcare plan, continuing care, looked-after child health assessment.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
    )
    author_name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the name of the professional who gave the advice"},
    )
    author_profession = forms.CharField(
        label="Profession",
        max_length=100,
        help_text="For example, speech and language therapist",
        error_messages={"required": "Enter their profession"},
    )
    author_registration_body = forms.CharField(
        label="Registered with (optional)",
        required=False,
        max_length=20,
        help_text="For example, HCPC, NMC or GMC",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    author_registration_number = forms.CharField(
        label="Professional registration number",
        max_length=30,
        help_text="Regulation 6(1)(c): the advice must come from a registered health care professional.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter their professional registration number"},
    )
    advice_date = DateField(label="Date of the advice", error_name="the date of the advice")
    attachments = AttachmentsField()
    # Shown only when the DCO service returned the advice: required then (advice.services.submit_advice).
    response = forms.CharField(
        label="Your answer to the DCO service's reasons",
        required=False,
        help_text="Say what you changed, or why you did not. The DCO service sees this with the advice.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class NeedForm(core_forms.Form):
    description = forms.CharField(
        label="Health need", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    relates_to_sen = forms.BooleanField(
        label="This need relates to the child's special educational needs (section C)", required=False
    )


class OutcomeForm(core_forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Specific and measurable",
    )
    by_when = forms.CharField(label="By when (optional)", required=False, max_length=100)


PROVISION_LABELS = {
    "what": "What",
    "who": "Who provides it",
    "how_often": "How often",
    "how_long": "For how long",
    "where": "Where (optional)",
}
# What a provision row's error says is missing, naming the row: "Enter how often provision 2 is given".
PROVISION_MISSING = {
    "what": "Enter what provision {n} is",
    "who": "Enter who provides provision {n}",
    "how_often": "Enter how often provision {n} is given",
    "how_long": "Enter for how long provision {n} is given",
}


def row_number(form: forms.BaseForm) -> int:
    """1 for the first row of a formset (prefix "provision-0"), 2 for the next..."""
    try:
        return int(str(form.prefix or "").rsplit("-", 1)[-1]) + 1
    except ValueError:
        return 1


class ProvisionForm(core_forms.Form):
    what = forms.CharField(
        label="What",
        required=False,
        max_length=500,
        help_text="For example, direct speech and language therapy",
    )
    who = forms.CharField(
        label="Who provides it",
        required=False,
        max_length=200,
        help_text="Role and grade, for example speech and language therapist (Band 6)",
    )
    how_often = forms.CharField(
        label="How often", required=False, max_length=200, help_text="For example, weekly, 30 minutes"
    )
    how_long = forms.CharField(
        label="For how long",
        required=False,
        max_length=200,
        help_text="For example, 12 months, reviewed termly",
    )
    where = forms.CharField(label="Where (optional)", required=False, max_length=200)
    section = forms.ChoiceField(
        label="Which section of the plan?",
        required=False,
        choices=[
            ("F", "Section F: special educational provision (it educates or trains)"),
            ("G", "Section G: health care provision"),
        ],
        widget=forms.RadioSelect,
    )
    commissioned = forms.BooleanField(
        label="Already commissioned (no ICB agreement or funding needed)", required=False, initial=True
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any((data.get(k) or "").strip() for k in ("what", "who", "how_often", "how_long"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return data
        number = row_number(self)
        for key in ("what", "who", "how_often", "how_long"):
            if not (data.get(key) or "").strip() and key not in self.errors:
                self.add_error(key, PROVISION_MISSING[key].format(n=number))
        if data.get("section") not in ("F", "G"):
            self.add_error(
                "section", f"Choose section F (educates or trains) or section G for provision {number}"
            )
        return data


NeedFormSet = forms.formset_factory(NeedForm, extra=0, max_num=30, absolute_max=30)
OutcomeFormSet = forms.formset_factory(OutcomeForm, extra=0, max_num=30, absolute_max=30)
ProvisionFormSet = forms.formset_factory(ProvisionForm, extra=0, max_num=30, absolute_max=30)

ROW_SETS: dict[str, Any] = {"need": NeedFormSet, "outcome": OutcomeFormSet, "provision": ProvisionFormSet}
BLANK_ROWS = {"need": 2, "outcome": 2, "provision": 2}


def typed_values(form: forms.BaseForm) -> dict[str, Any]:
    """What was typed into a bound form, as initial values for an unbound copy (no errors shown)."""
    return {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
        if not isinstance(field, forms.FileField)
    }


def row_formsets(
    data: Any = None, rows: dict[str, list[dict]] | None = None, add: str = ""
) -> dict[str, Any]:
    """The three row formsets (needs, outcomes, provision).

    With `data`: bound, for a submission. Without: unbound, starting from `rows` (the latest revision,
    or what was typed) plus blank rows: two when there are none, else one; after an "Add another"
    button (`add` is "need", "outcome" or "provision") exactly one more row in that set. The buttons
    work without JavaScript: the page is sent, and comes back with what was typed and one more row.
    """
    rows = rows or {}
    sets: dict[str, Any] = {}
    for prefix, cls in ROW_SETS.items():
        if data is not None:
            sets[prefix] = cls(data, prefix=prefix)
            continue
        initial = rows.get(prefix) or []
        if add:
            extra = 1 if prefix == add else (0 if initial else 1)
        else:
            extra = BLANK_ROWS[prefix] if not initial else 1
        formset_cls = forms.formset_factory(cls.form, extra=extra, max_num=30, absolute_max=30)
        sets[prefix] = formset_cls(initial=initial or None, prefix=prefix)
    return sets


def typed_rows(data: Any) -> dict[str, list[dict]]:
    """Every row as typed (blank ones too), so "Add another" keeps them all."""
    result: dict[str, list[dict]] = {}
    for prefix, cls in ROW_SETS.items():
        bound = cls(data, prefix=prefix)
        try:
            forms_ = bound.forms
        except ValidationError:
            forms_ = []
        result[prefix] = [typed_values(f) for f in forms_]
    return result


# --- the DCO's quality check -------------------------------------------------------------------


SCORE_CHOICES = [("2", "2: met"), ("1", "1: partly"), ("0", "0: absent")]


class QualityCheckForm(VersionForm):
    """The rubric: each criterion 2, 1 or 0, or "Does not apply" where its guidance allows
    (`MAY_NOT_APPLY`, and Q10 only before Year 9: `not_applicable`). Releasing needs every criterion
    answered; returning it to the author needs the reasons."""

    decision = forms.ChoiceField(
        label="What happens next?",
        choices=[
            (QualityCheck.Outcome.RELEASE, "Release the advice to the local authority"),
            (QualityCheck.Outcome.REWORK, "Return it to the author with your reasons"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to release the advice or return it to the author"},
    )
    comments = forms.CharField(
        label="Reasons for returning it (or comments)",
        required=False,
        help_text="Required when you return it: the author sees these, answers them and sends it again.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(
        self,
        *args: Any,
        hints: dict[str, str] | None = None,
        not_applicable: Iterable[str] = tuple(MAY_NOT_APPLY),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        hints = hints or {}
        self.not_applicable = set(not_applicable)
        for key, text in QUALITY_CRITERIA.items():
            choices = list(SCORE_CHOICES)
            if key in self.not_applicable:
                choices.append((NOT_APPLICABLE, "Does not apply"))
            self.fields[f"score_{key}"] = forms.ChoiceField(
                label=f"{key}: {text}",
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": f"Score {key} 0, 1 or 2"},
                help_text=" ".join(p for p in (hints.get(key, ""), self._guidance(key)) if p),
            )
        # The decision comes last on the page.
        self.order_fields([f"score_{k}" for k in QUALITY_CRITERIA] + ["comments", "decision", "version"])

    def _guidance(self, key: str) -> str:
        if key in self.not_applicable:
            return f"{MAY_NOT_APPLY[key]}."
        if key in MAY_NOT_APPLY:  # Q10 from Year 9
            return "Applies: the child is in Year 9 or above."
        return ""

    def score_fields(self) -> list[Any]:
        return [self[f"score_{k}"] for k in QUALITY_CRITERIA]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scores = {k: data.get(f"score_{k}") for k in QUALITY_CRITERIA}
        data["scores"] = {k: v for k, v in scores.items() if v not in (None, "")}
        if data.get("decision") == QualityCheck.Outcome.RELEASE:
            for key in QUALITY_CRITERIA:
                if key not in data["scores"] and f"score_{key}" not in self.errors:
                    either = " or choose Does not apply" if key in self.not_applicable else ""
                    self.add_error(f"score_{key}", f"Score {key}{either} before you release the advice")
        if data.get("decision") == QualityCheck.Outcome.REWORK and not (data.get("comments") or "").strip():
            self.add_error("comments", "Give the reasons for returning the advice to the author")
        return data


# --- lists --------------------------------------------------------------------------------------


class ListFilterForm(core_forms.Form):
    """Filters and sort order for the dashboard lists (GET)."""

    la = forms.ChoiceField(label="Local authority", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("due", "Due date, soonest first"),
            ("-due", "Due date, latest first"),
            ("received", "Date received, oldest first"),
            ("-received", "Date received, newest first"),
            ("reference", "Reference"),
        ],
    )

    def __init__(
        self,
        *args: Any,
        las: Iterable[tuple[str, str]] = (),
        teams: Iterable[tuple[str, str]] = (),
        statuses: Iterable[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("la", las), ("team", teams), ("status", statuses)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "All"), *choices]


class RequestListForm(core_forms.Form):
    """The LA's list of requests: which to show (GET)."""

    error_names = {"status": "which requests to show"}

    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "All requests"), *AdviceRequest.Status.choices],
    )
