"""Forms for finding or recording a child or young person (one record per child)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import Organisation
from children.services import clean_nhs_number
from core.date_input import DateField


class FindChildForm(forms.Form):
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


class SameChildForm(forms.Form):
    """ "Is this the same child?" after a likely match was found."""

    same = forms.ChoiceField(
        label="Is this the same child?",
        choices=[("yes", "Yes, use this record"), ("no", "No, this is a different child")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if this is the same child"},
    )
