"""Forms for finding, recording and changing a child or young person's record (one record per child),
their parents and carers, and consent to share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import Organisation
from children.models import ChildOrYoungPerson, ConsentToShare, ParentCarer
from children.services import clean_nhs_number
from core import forms as core_forms
from core.date_input import DateField
from core.forms import VersionForm


class FindChildForm(core_forms.Form):
    """Who the request is about. Matched against existing records before anything is created."""

    given_name = forms.CharField(
        label="Given name", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    family_name = forms.CharField(
        label="Family name", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    date_of_birth = DateField(label="Date of birth", help_text="For example, 27 3 2016")
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=14,
        help_text="10 digits, for example 943 476 5919. It is the surest way to find the child's record.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}),
    )
    school_or_setting_name = forms.CharField(
        label="School or setting (optional)", required=False, max_length=200
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority", queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, local_authorities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        las = list(local_authorities or [])
        field = self.fields["local_authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[la.pk for la in las])
        self.single_la = len(las) == 1
        if self.single_la:
            self.fields["local_authority"].initial = las[0].pk
            self.fields["local_authority"].widget = forms.HiddenInput()

    def clean_nhs_number(self) -> str:
        try:
            return clean_nhs_number(self.cleaned_data.get("nhs_number"))
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["nhs_number"]) from None

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        born = data.get("date_of_birth")
        today = timezone.localdate()
        if born and today.year - born.year - ((today.month, today.day) < (born.month, born.day)) > 25:
            self.add_error(
                "date_of_birth",
                "Date of birth must be less than 26 years ago: EHC needs assessments are for children "
                "and young people up to the age of 25",
            )
        return data


class SameChildForm(core_forms.Form):
    """ "Is this the same child?" after a likely match was found."""

    same = forms.ChoiceField(
        label="Is this the same child?",
        choices=[("yes", "Yes, use this record"), ("no", "No, this is a different child")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if this is the same child"},
    )


def add_service_errors(form: forms.BaseForm, error: forms.ValidationError) -> None:
    """Put a service's ValidationError on the field it names, or at the top of the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        for message in messages:
            form.add_error(key if key in form.fields else None, message)


YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ChildDetailsForm(VersionForm):
    """A child's own details. The NHS number is checked with its check digit."""

    given_name = forms.CharField(
        label="Given name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter the child's given name"},
    )
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter the child's family name"},
    )
    date_of_birth = DateField(label="Date of birth", help_text="For example, 27 3 2016")
    nhs_number = FindChildForm.base_fields["nhs_number"]
    school_or_setting_name = forms.CharField(
        label="School or setting (optional)", required=False, max_length=200
    )

    clean_nhs_number = FindChildForm.clean_nhs_number
    clean_date_of_birth = FindChildForm.clean_date_of_birth

    def clean_given_name(self) -> str:
        return " ".join(self.cleaned_data["given_name"].split())

    def clean_family_name(self) -> str:
        return " ".join(self.cleaned_data["family_name"].split())

    def service_values(self) -> dict[str, Any]:
        """The details for `children.services.update_child` (the version travels on its own)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ParentCarerForm(VersionForm):
    """A parent or carer and how to contact them (with the version seen, when changing one)."""

    name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the parent or carer's name"}
    )
    relationship = forms.ChoiceField(
        label="Relationship to the child",
        choices=[("", "Choose a relationship"), *ParentCarer.Relationship.choices],
        error_messages={"required": "Choose the relationship to the child"},
    )
    has_parental_responsibility = forms.ChoiceField(
        label="Do they have parental responsibility?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if they have parental responsibility"},
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="E-mail address (optional)",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.org"},
    )
    address = forms.CharField(
        label="Postal address (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    preferred_contact = forms.ChoiceField(
        label="How do they prefer to be contacted?",
        choices=ParentCarer.PreferredContact.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they prefer to be contacted"},
    )
    communication_needs = forms.CharField(
        label="Communication needs (optional)",
        required=False,
        max_length=200,
        help_text="For example an interpreter, large print or British Sign Language",
    )

    def __init__(self, *args: Any, versioned: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not versioned:  # adding a carer: there is no record yet
            del self.fields["version"]

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["has_parental_responsibility"] = data["has_parental_responsibility"] == "yes"
        return data

    @staticmethod
    def initial_for(carer: ParentCarer) -> dict[str, Any]:
        return {
            "version": carer.version,
            "name": carer.name,
            "relationship": carer.relationship,
            "has_parental_responsibility": "yes" if carer.has_parental_responsibility else "no",
            "phone": carer.phone,
            "email": carer.email,
            "address": carer.address,
            "preferred_contact": carer.preferred_contact,
            "communication_needs": carer.communication_needs,
        }


class ConsentForm(core_forms.Form):
    """Consent to share health information: who gave it, when, for what; capacity for 16 and over."""

    error_names = {"given_on": "the date consent was given"}

    given_by = forms.ChoiceField(
        label="Who gave consent?",
        choices=ConsentToShare.GivenBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who gave consent"},
    )
    parent_carer = forms.ModelChoiceField(
        label="Which parent or carer? (if a parent or carer gave it)",
        queryset=ParentCarer.objects.none(),
        required=False,
        empty_label="Not a parent or carer",
    )
    given_on = DateField(label="When was consent given?", help_text="For example, 4 9 2026")
    scope = forms.ChoiceField(
        label="What may be shared?",
        choices=ConsentToShare.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what may be shared"},
    )
    scope_detail = forms.CharField(
        label="Any limits or details (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, not to be shared with a named service",
    )
    capacity_assessed = forms.ChoiceField(
        label="Was mental capacity assessed? (16 or over)",
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
        help_text="Answer for a young person aged 16 or over on the day (Mental Capacity Act 2005)",
    )

    def __init__(self, *args: Any, child: ChildOrYoungPerson, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent_carer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = child.parent_carers.order_by("name")

    def clean_given_on(self) -> Any:
        value = self.cleaned_data.get("given_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date consent was given must be today or in the past")
        return value

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["capacity_assessed"] = _yes_no(data.get("capacity_assessed") or "")
        if data["given_by"] != ConsentToShare.GivenBy.PARENT_CARER:
            data["parent_carer"] = None
        return data


class WithdrawConsentForm(VersionForm):
    error_names = {"withdrawn_on": "the date consent was withdrawn", "reason": "why consent was withdrawn"}

    withdrawn_on = DateField(label="When was consent withdrawn?", help_text="For example, 4 9 2026")
    reason = forms.CharField(
        label="Why was it withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why consent was withdrawn"},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why consent was withdrawn")
        return reason


class PossibleDuplicateForm(VersionForm):
    """The DCO service's decision on a possible duplicate: the same child (link) or different children."""

    same = forms.ChoiceField(
        label="Are these the same child?",
        choices=[
            ("yes", "Yes, the same child: link the records"),
            ("no", "No, they are different children"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these are the same child"},
    )
    nhs_number = forms.CharField(
        label="The right NHS number of the child the local authority sent (only if different children)",
        required=False,
        max_length=14,
        help_text="Needed only when both records have the same NHS number: two children cannot share one.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}),
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        help_text="How you checked, for example with the GP practice or the NHS Spine.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    clean_nhs_number = FindChildForm.clean_nhs_number
