"""Forms for the enquiry pages. They parse what people type; the rules live in enquiries.services,
whose ValidationErrors go back next to the fields (casework.forms.add_service_errors)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core import signing

from accounts.models import Organisation, User
from casework.forms import VersionForm
from core.date_input import DateField
from core.forms import Form
from enquiries.models import Channel, EnquirerRole, EnquiryContact, Kind, Need, Outcome, ReplyBy, Theme
from enquiries.services import LIMITS

BLANK = [("", "Choose")]
_STARTED_SALT = "enquiries.form-started"


def _text(
    label: str, name: str, *, required: bool = False, help_text: str = "", area: bool = False
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 5}) if area else None
    return forms.CharField(
        label=label, max_length=LIMITS[name], required=required, help_text=help_text, widget=widget
    )


class EnquiryForm(Form):
    """Everything the person tells us. Required answers are checked by enquiries.services.clean_details,
    so every missing answer is named at once, next to its question."""

    error_names: ClassVar[dict[str, str]] = {
        "enquirer_role": "who you are",
        "reply_by": "how we should reply",
        "kind": "whether it is a question or a concern",
        "theme": "what it is about",
        "service_name": "the service or organisation it is about",
        "details": "your question or concern",
        "tried": "what you have tried",
    }

    enquirer_role = forms.ChoiceField(
        label="Who are you?", choices=EnquirerRole.choices, widget=forms.RadioSelect, required=False
    )
    enquirer_name = _text("Your name", "enquirer_name")
    relationship = _text(
        "Your relationship to the child or young person",
        "relationship",
        help_text="For example mother, foster carer, their teacher, their speech and language therapist",
    )
    organisation_name = _text("Your organisation (professionals only)", "organisation_name")
    reply_by = forms.ChoiceField(
        label="How should we reply?", choices=ReplyBy.choices, widget=forms.RadioSelect, required=False
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=LIMITS["email"],
        required=False,
        help_text="We send your reference here. You need it with your reference to check progress",
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.org"},
    )
    phone = _text("Phone number", "phone", help_text="For example 01632 960 001")
    interpreter = forms.BooleanField(label="I need an interpreter", required=False)
    language = _text("Language", "language", help_text="The language you would like us to use")
    easy_read = forms.BooleanField(label="I would like our reply in easy read", required=False)
    other_adjustments = _text("Anything else we should do to help you (optional)", "other_adjustments")
    child_name = _text("The child or young person's name (optional)", "child_name")
    child_date_of_birth = DateField(
        label="Their date of birth (optional)", required=False, help_text="For example, 15 3 2015"
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority area where the child or young person lives",
        queryset=Organisation.objects.none(),
        empty_label="Choose the area",
        required=False,
        help_text="This tells us which DCO service answers you",
    )
    service_name = _text(
        "Which service or organisation is it about?",
        "service_name",
        help_text="For example the children's speech and language therapy service",
    )
    kind = forms.ChoiceField(
        label="Is it a question or a concern?", choices=Kind.choices, widget=forms.RadioSelect, required=False
    )
    theme = forms.ChoiceField(label="What is it about?", choices=BLANK + Theme.choices, required=False)
    need = forms.ChoiceField(
        label="The child or young person's main need (optional)",
        choices=Need.choices,
        required=False,
        initial=Need.NOT_SAID,
    )
    details = _text("Tell us about your question or concern", "details", area=True)
    tried = _text(
        "What have you tried already? (optional)",
        "tried",
        area=True,
        help_text="For example, you contacted the service or made a complaint",
    )
    urgent = forms.BooleanField(
        label="It is urgent: a child's health or safety may suffer if we wait",
        required=False,
        help_text="If a child is at immediate risk, call 999",
    )
    consent_to_share = forms.BooleanField(
        label="I agree that the DCO service may share my enquiry with the services it is about",
        required=False,
        help_text="Without this we can only give general advice",
    )

    def __init__(self, *args: Any, local_authorities: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["local_authority"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Organisation.objects.filter(pk__in=[la.pk for la in local_authorities]).order_by(
            "name"
        )

    def details_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("local_authority", None)
        return data


class PublicEnquiryForm(EnquiryForm):
    """The public form, with flood protection that asks nothing of people: a field people never see
    (filled only by robots) and a signed time the form was opened. A form without a valid stamp (forged,
    or opened more than a day ago) is shown again with a fresh one; one sent faster than a person could
    type it is only a spam signal (a person may fill it in from their browser's memory): it is accepted,
    noted for the DCO service and counted twice towards the hourly limit (enquiries.throttle)."""

    website = forms.CharField(required=False, label="Leave this empty", max_length=200)
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    @staticmethod
    def stamp() -> str:
        return signing.TimestampSigner(salt=_STARTED_SALT).sign("enquiry")

    def looks_automated(self) -> bool:
        """A robot: the hidden field filled, or no valid stamp."""
        if self.data.get("website"):
            return True
        try:
            signing.TimestampSigner(salt=_STARTED_SALT).unsign(
                self.data.get("started") or "", max_age=24 * 3600
            )
        except signing.BadSignature:
            return True
        return False

    def sent_quickly(self) -> int:
        """The minimum time to fill the form in (ENQUIRY_MIN_FILL_SECONDS, default 3) when it came back
        faster than that, else 0."""
        minimum = int(getattr(settings, "ENQUIRY_MIN_FILL_SECONDS", 3))
        if minimum <= 0:
            return 0
        try:
            signing.TimestampSigner(salt=_STARTED_SALT).unsign(
                self.data.get("started") or "", max_age=minimum
            )
        except signing.SignatureExpired:
            return 0  # older than the minimum: a person
        except signing.BadSignature:
            return 0  # looks_automated says so
        return minimum


# Staff log an enquiry for someone else: the questions are about that person, not the reader.
STAFF_WORDING = {
    "enquirer_role": "Who is asking?",
    "enquirer_name": "Their name",
    "relationship": "Their relationship to the child or young person",
    "organisation_name": "Their organisation (professionals only)",
    "reply_by": "How should we reply to them?",
    "interpreter": "They need an interpreter",
    "language": "Language",
    "easy_read": "They would like our reply in easy read",
    "other_adjustments": "Anything else we should do to help them (optional)",
    "details": "Their question or concern",
    "tried": "What have they tried already? (optional)",
    "consent_to_share": "They agreed that the DCO service may share the enquiry with the services it is about",
}
STAFF_HELP = {
    "email": "We send the reference here. They need it with the reference to check progress",
    "language": "The language they would like us to use",
    "tried": "For example, they contacted the service or made a complaint",
    "consent_to_share": "Without this we can only give them general advice",
}


class StaffEnquiryForm(EnquiryForm):
    """An enquiry that arrived by phone, letter or e-mail, logged by the DCO service in staff's words.
    How and when it arrived are checked with everything else (enquiries.services.check_enquiry), so an
    empty form names every missing answer at once."""

    error_names: ClassVar[dict[str, str]] = {
        **EnquiryForm.error_names,
        "enquirer_role": "who is asking",
        "reply_by": "how we should reply to them",
        "details": "their question or concern",
        "tried": "what they have tried",
        "channel": "how the enquiry arrived",
    }

    channel = forms.ChoiceField(
        label="How did it arrive?",
        choices=[c for c in Channel.choices if c[0] != Channel.ONLINE],
        widget=forms.RadioSelect,
        required=False,
    )
    received_on = DateField(label="Date received", required=False, help_text="For example, 3 11 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in STAFF_WORDING.items():
            self.fields[name].label = label
        for name, text in STAFF_HELP.items():
            self.fields[name].help_text = text
        role = self.fields["enquirer_role"]
        assert isinstance(role, forms.ChoiceField)  # noqa: S101
        role.choices = [
            (value, "A young person asking about themselves" if value == EnquirerRole.YOUNG_PERSON else text)
            for value, text in EnquirerRole.choices
        ]


class StatusForm(Form):
    reference = forms.CharField(label="Your reference", max_length=20, help_text="For example SPC-0000123")
    email = forms.CharField(label="The e-mail address you gave us", max_length=254)


class TriageForm(VersionForm):
    need = forms.ChoiceField(
        label="The child or young person's main need", choices=Need.choices, required=False
    )
    triage_note = forms.CharField(
        label="Triage note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AssignForm(VersionForm):
    person = forms.ModelChoiceField(
        label="A colleague in your DCO service",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody",
    )
    team = forms.ModelChoiceField(
        label="A provider team", queryset=Organisation.objects.none(), required=False, empty_label="No team"
    )

    def __init__(self, *args: Any, people: Any = (), teams: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person, team = self.fields["person"], self.fields["team"]
        assert isinstance(person, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(team, forms.ModelChoiceField)  # noqa: S101
        person.queryset = User.objects.filter(pk__in=[p.pk for p in people]).order_by(
            "first_name", "last_name"
        )
        team.queryset = Organisation.objects.filter(pk__in=[t.pk for t in teams]).order_by("name")


class ContactForm(Form):
    service_name = forms.CharField(label="Service contacted", max_length=200, required=False)
    method = forms.ChoiceField(
        label="How", choices=EnquiryContact.Method.choices, widget=forms.RadioSelect, required=False
    )
    contacted_on = DateField(label="Date", required=False, help_text="For example, 3 11 2026")
    summary = forms.CharField(
        label="What was said or agreed",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class LinkForm(VersionForm):
    given_name = forms.CharField(label="Child's first name", max_length=100, required=False)
    family_name = forms.CharField(label="Child's last name", max_length=100, required=False)
    date_of_birth = DateField(label="Date of birth", required=False, help_text="For example, 15 3 2015")
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        max_length=14,
        required=False,
        help_text="10 digits, for example 943 476 5919",
    )
    advice_reference = forms.CharField(
        label="Advice request reference (optional)",
        max_length=20,
        required=False,
        help_text="For example HA0000301",
    )
    notification_reference = forms.CharField(
        label="Section 23 notification reference (optional)", max_length=20, required=False
    )


class OutcomeForm(VersionForm):
    outcome = forms.ChoiceField(
        label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect, required=False
    )
    outcome_detail = forms.CharField(
        label="What you told the person, or where it was passed",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class CloseForm(VersionForm):
    pass


class ReopenForm(VersionForm):
    reason = forms.CharField(
        label="Why is it being reopened?",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
