"""Forms for the section 23 pages. They parse what people type; the rules live in section23.rules and
section23.services, whose ValidationErrors go back next to the fields (casework.forms.add_service_errors)."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Organisation
from casework.forms import AttachmentsField, VersionForm
from children.models import ParentCarer
from core.date_input import DateField
from core.forms import Form
from lib.postcodes import display_postcode, is_postcode
from section23 import areas
from section23.models import AreaOfNeed, Concern, Notification, Profession

BLANK = [("", "Choose")]


def _yes_no(label: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, help_text=help_text)


class ChildForm(Form):
    """The child, when a notification or concern is first recorded. The local authority comes from the
    child's postcode (section23.areas); only when the postcode is unknown, or its council is not served
    here, does the person choose it from the list (`offers_local_authorities`)."""

    given_name = forms.CharField(label="Child's first name", max_length=100)
    family_name = forms.CharField(label="Child's last name", max_length=100)
    date_of_birth = DateField(label="Date of birth", help_text="For example, 15 3 2024")
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        max_length=14,
        required=False,
        help_text="10 digits, for example 943 476 5919",
    )
    child_postcode = forms.CharField(
        label="Postcode where the child lives",
        max_length=10,
        help_text="We use it to find the local authority (the council) for the area where the child lives",
        error_messages={"required": "Enter the postcode where the child lives"},
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority where the child lives",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Choose the local authority",
        help_text="The council for the area where the child lives",
    )

    def __init__(self, *args: Any, local_authorities: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.council: areas.PostcodeCouncil | None = None
        field = self.fields["local_authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[la.pk for la in local_authorities]).order_by(
            "name"
        )

    def clean_child_postcode(self) -> str:
        text = " ".join(self.cleaned_data["child_postcode"].split())
        if not is_postcode(text):
            raise forms.ValidationError("Enter a full postcode where the child lives, like NS1 4AB")
        return display_postcode(text)

    def clean(self) -> dict[str, Any]:
        """The council for the postcode is the child's LA; without one, the person must choose."""
        data = super().clean() or {}
        postcode = data.get("child_postcode")
        if postcode:
            self.council = areas.council_for_postcode(postcode)
            if self.council.local_authority is not None:
                data["local_authority"] = self.council.local_authority
                self.errors.pop("local_authority", None)
            elif not data.get("local_authority") and "local_authority" not in self.errors:
                self.add_error("local_authority", self.council.problem())
        return data

    def derived_local_authority(self) -> Organisation | None:
        """The LA the postcode gave (shown as "This will go to ..."), once the form has been checked."""
        return self.council.local_authority if self.council is not None else None

    def offers_local_authorities(self) -> bool:
        """Whether to show the list of LAs: the postcode gave none, one was already chosen (so what
        was chosen stays on the page), or there is an error to show next to it."""
        if not self.is_bound:
            return False
        if "local_authority" in self.errors:
            return True
        if self.council is not None:
            return self.council.local_authority is None
        return bool(self.data.get(self.add_prefix("local_authority")))


class NotificationForm(Form):
    """Everything the notifier records. Saving a draft needs none of it; sending needs the statutory
    steps (section23.rules.missing_steps, checked by the service)."""

    acting_for = forms.ModelChoiceField(
        label="Who is notifying",
        queryset=Organisation.objects.none(),
        empty_label=None,
        required=False,
        help_text="Your team (for its NHS trust) or your DCO service (for the integrated care board)",
    )
    professional_name = forms.CharField(
        label="Name of the professional who formed the opinion", max_length=200, required=False
    )
    profession = forms.ChoiceField(label="Profession", choices=BLANK + Profession.choices, required=False)
    registration_number = forms.CharField(
        label="Professional registration number (optional)", max_length=30, required=False
    )
    parent_name = forms.CharField(
        label="Name of the person with parental responsibility", max_length=200, required=False
    )
    parent_relationship = forms.ChoiceField(
        label="Relationship to the child", choices=BLANK + ParentCarer.Relationship.choices, required=False
    )
    parent_phone = forms.CharField(label="Phone number", max_length=30, required=False)
    parent_email = forms.EmailField(label="E-mail address", max_length=254, required=False)
    parent_address = forms.CharField(
        label="Address", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent_language = forms.CharField(label="Preferred language", max_length=60, required=False)
    interpreter_needed = _yes_no("An interpreter is needed")
    opinion = forms.CharField(
        label="Your opinion and what it is based on",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why you think the child has, or probably has, special educational needs or a disability: "
        "diagnosis or condition, developmental concerns. Keep to what the local authority needs.",
    )
    areas_of_need = forms.MultipleChoiceField(
        label="Areas of need",
        choices=AreaOfNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    opinion_formed_on = DateField(label="Date the opinion was formed", required=False)
    parent_told_on = DateField(
        label="Date the parent was told of the opinion and of the duty to notify",
        required=False,
        help_text="Section 23(2)(a). This must be done before you notify.",
    )
    discussion = forms.ChoiceField(
        label="Discussion with the parent",
        choices=Notification.Discussion.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Section 23(2)(b): the parent must be given the opportunity to discuss the opinion",
    )
    discussion_on = DateField(label="Date the discussion was held or offered", required=False)
    discussion_with = forms.CharField(
        label="Who with: the officer's name and role", max_length=200, required=False
    )
    parent_view = forms.ChoiceField(
        label="The parent's view",
        choices=Notification.ParentView.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Recorded, never a veto. If the parent objects, the DCO service is told.",
    )
    parent_views = forms.CharField(
        label="The parent's views in their words (optional)",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    voluntary_organisations = forms.CharField(
        label="Voluntary organisations you told the parent about",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Section 23(4). Name each organisation.",
    )
    no_voluntary_organisation = _yes_no("No voluntary organisation was considered likely to help")
    referral_consent = forms.ChoiceField(
        label="Consent to an onward referral (separate from the notification)",
        choices=Notification.ReferralConsent.choices,
        initial=Notification.ReferralConsent.NOT_ASKED,
        required=False,
        widget=forms.RadioSelect,
        help_text="No consent is needed to notify. Record consent only for a referral beyond it, such as to early years support.",
    )
    referral_consent_on = DateField(label="Date consent was given", required=False)
    referral_consent_detail = forms.CharField(
        label="Referral to whom, and for what", max_length=300, required=False
    )
    attachments = AttachmentsField(label="Reports to send with it (optional)")

    def __init__(self, *args: Any, notifying: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["acting_for"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in notifying]).order_by("name")
        if len(notifying) == 1:
            field.initial = notifying[0].pk

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = [n for n in self.fields if n not in ("acting_for", "attachments", "version")]
        details = {name: data.get(name) for name in names}
        for name in ("profession", "parent_relationship", "discussion", "parent_view"):
            details[name] = details[name] or ""
        details["referral_consent"] = details["referral_consent"] or Notification.ReferralConsent.NOT_ASKED
        details["areas_of_need"] = list(details["areas_of_need"] or [])
        return details


class EditNotificationForm(NotificationForm, VersionForm):
    """A draft's details: who notifies was settled when it was drafted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["acting_for"]


class AcknowledgeForm(VersionForm):
    la_reference = forms.CharField(label="Your reference (optional)", max_length=50, required=False)
    decision = forms.ChoiceField(
        label="What did you decide? (optional now)",
        choices=Notification.Decision.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="You can record the decision later",
    )
    decision_detail = forms.CharField(
        label="Details (optional)", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(VersionForm):
    decision = forms.ChoiceField(
        label="What did you decide?", choices=Notification.Decision.choices, widget=forms.RadioSelect
    )
    decision_detail = forms.CharField(
        label="Details",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the EHC needs assessment's reference, or the early years service it went to",
    )
    la_reference = forms.CharField(label="Your reference (optional)", max_length=50, required=False)


class AdviceLinkForm(VersionForm):
    """The LA links a notification to the advice request for the EHC needs assessment: one of the
    child's requests it may see, or a reference typed."""

    chosen = forms.ChoiceField(
        label="Which advice request is for this child's EHC needs assessment?",
        required=False,
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(
        label="Or enter the advice request's reference, or your reference for the assessment",
        max_length=50,
        required=False,
        help_text="For example HA0000301",
    )
    error_names = {"chosen": "the advice request"}

    def __init__(self, *args: Any, requests: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["chosen"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(hit.reference, hit.text) for hit in requests]
        if not field.choices:
            del self.fields["chosen"]

    def typed_or_chosen(self) -> str:
        return str(self.cleaned_data.get("reference") or self.cleaned_data.get("chosen") or "")


class NotificationListForm(Form):
    status = forms.ChoiceField(
        label="Status", choices=[("", "All")] + Notification.Status.choices, required=False
    )


class ConcernForm(ChildForm):
    organisation = forms.ModelChoiceField(
        label="Your practice or organisation", queryset=Organisation.objects.none(), empty_label=None
    )
    professional_name = forms.CharField(label="Your name", max_length=200)
    profession = forms.ChoiceField(label="Your profession", choices=BLANK + Profession.choices)
    concern = forms.CharField(
        label="Your concern and what it is based on",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    areas_of_need = forms.MultipleChoiceField(
        label="Areas of need (optional)",
        choices=AreaOfNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parent_aware = _yes_no("The parent knows you are raising this concern")

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")


class ConcernDecisionForm(VersionForm):
    decision = forms.ChoiceField(
        label="What happens next?", choices=Concern.Decision.choices, widget=forms.RadioSelect
    )
    team = forms.ModelChoiceField(
        label="Trust team to ask (if a trust team will consider notifying)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Choose a team",
    )
    reason = forms.CharField(
        label="Reason or notes", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(
            kind=Organisation.Kind.PROVIDER_TEAM,
            parent__kind=Organisation.Kind.PROVIDER_TRUST,
            is_active=True,
        ).order_by("name")
