"""Sign-in forms. Autocomplete attributes let browsers and password managers fill them in (WCAG 3.3.8):
nothing here blocks pasting or asks people to remember or transcribe anything a machine can fill."""

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.cache import cache

from core import forms as core_forms
from core.email import send_email
from core.forms import VersionForm


class SignInForm(core_forms.Form):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TokenForm(core_forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app",
        max_length=7,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "nhsuk-input--width-10",
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Enter the 6-digit security code, numbers only")
        return token


RESETS_PER_HOUR = 3


class ForgottenPasswordForm(core_forms.NamedErrors, PasswordResetForm):
    """Asks for the e-mail address. The same answer is shown whether or not an account has it."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def get_users(self, email: str) -> Any:
        """At most RESETS_PER_HOUR e-mails per address per hour, so nobody can flood a mailbox."""
        key = f"password-reset:{email.strip().lower()}"
        cache.add(key, 0, 60 * 60)
        try:
            sent = cache.incr(key)
        except ValueError:  # expired between add and incr
            sent = 1
        if sent > RESETS_PER_HOUR:
            return iter(())
        return super().get_users(email)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # Rendered here, sent by the background worker: the page answers in the same time whether or
        # not the address has an account, so response times do not reveal who has one.
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email(to=[to_email], subject=subject, body=body)


class NewPasswordForm(core_forms.NamedErrors, SetPasswordForm):
    """Choose a new password (after following the link in the e-mail)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = "At least 12 characters. A few random words work well."
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again to confirm it"
        self.error_messages["password_mismatch"] = (
            "The two passwords do not match: type the same password twice"  # noqa: S105
        )


# --- running an organisation (accounts/views_staff.py) ---------------------------------------------


class StaffRolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class InviteForm(core_forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    roles = StaffRolesField(
        label="Roles and teams",
        help_text="Select every role they need. Each role at a team gives access to that team's work.",
        error_messages={
            "required": "Select at least one role",
            "invalid_choice": "Select roles from the list",
        },
    )

    def __init__(self, *args: Any, role_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["roles"]).choices = role_choices


class StaffRolesForm(VersionForm):
    roles = StaffRolesField(
        label="Roles and teams",
        help_text="Select every role they need. To take away all their roles, remove them instead.",
        error_messages={
            "required": "Select at least one role, or remove them from the organisation instead",
            "invalid_choice": "Select roles from the list",
        },
    )

    def __init__(self, *args: Any, role_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["roles"]).choices = role_choices
        self.order_fields(["roles", "version"])


# --- the system administrator: organisations, teams, areas, API tokens (accounts/views_system.py) ---


def _org_choices(organisations: Any) -> list[tuple[str, str]]:
    return [(str(o.public_id), o.name) for o in organisations]


class OrganisationForm(core_forms.Form):
    error_names = {"parent": "the organisation it is part of"}

    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the organisation's name"}
    )
    kind = forms.ChoiceField(
        label="Kind of organisation",
        error_messages={"required": "Choose what kind of organisation it is"},
    )
    parent = forms.ChoiceField(
        label="Part of",
        required=False,
        help_text="For a team: its health provider trust. For a DCO service: its integrated care board, "
        "if it has one. Leave empty for anything else.",
    )
    code = forms.CharField(
        label="Code", max_length=20, required=False, help_text="ODS code, LA number or school URN"
    )
    specialism = forms.CharField(
        label="Specialism",
        max_length=100,
        required=False,
        help_text="For a team, for example speech and language therapy",
    )
    email = forms.EmailField(
        label="Shared mailbox",
        required=False,
        max_length=254,
        help_text="Optional. E-mails to the organisation go here instead of to each person",
        error_messages={"invalid": "Enter the shared mailbox in the correct format, like team@example.org"},
    )

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        from accounts.models import Organisation

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", "Choose a kind"),
            *Organisation.Kind.choices,
        ]
        cast(forms.ChoiceField, self.fields["parent"]).choices = [
            ("", "Not part of another"),
            *_org_choices(parents),
        ]


class OrganisationEditForm(VersionForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the organisation's name"}
    )
    code = forms.CharField(
        label="Code", max_length=20, required=False, help_text="ODS code, LA number or school URN"
    )
    specialism = forms.CharField(label="Specialism", max_length=100, required=False)
    email = forms.EmailField(
        label="Shared mailbox",
        required=False,
        max_length=254,
        help_text="Optional. E-mails to the organisation go here instead of to each person",
        error_messages={"invalid": "Enter the shared mailbox in the correct format, like team@example.org"},
    )
    is_active = forms.BooleanField(
        label="Open: its staff can sign in and work",
        required=False,
        help_text="Closing it ends its staff's access through it and stops its API tokens",
    )
    field_order = ["name", "code", "specialism", "email", "is_active", "version"]


class AreasForm(VersionForm):
    areas = forms.MultipleChoiceField(
        label="Local authorities this DCO service covers",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose local authorities from the list"},
    )
    field_order = ["areas", "version"]

    def __init__(self, *args: Any, authorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["areas"]).choices = _org_choices(authorities)


class TokenNameForm(core_forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Say which system uses it, so you can tell tokens apart",
        error_messages={"required": "Enter a name for the token, like the system that will use it"},
    )


class TokenRenameForm(VersionForm):
    name = TokenNameForm.base_fields["name"]
    field_order = ["name", "version"]


# --- notification preferences (accounts/views_notifications.py) ------------------------------------


class OrganisationNotificationsForm(VersionForm):
    """The shared mailbox, and for each event the organisation gets: who, and whether the mailbox gets
    a daily digest instead of single e-mails."""

    email = forms.EmailField(
        label="Shared mailbox",
        required=False,
        max_length=254,
        help_text="Optional. For example the team's shared inbox. Leave empty to e-mail people only.",
        error_messages={"invalid": "Enter the shared mailbox in the correct format, like team@example.org"},
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )

    def __init__(self, *args: Any, events: list[tuple[str, str]], **kwargs: Any) -> None:
        from accounts.models import OrganisationNotification

        super().__init__(*args, **kwargs)
        self.events = events
        for event, label in events:
            self.fields[f"send_to_{event}"] = forms.ChoiceField(
                label=f"{label}: who gets the email",
                choices=OrganisationNotification.SendTo.choices,
                error_messages={"required": f"Choose who gets emails about: {label.lower()}"},
            )
            self.fields[f"digest_{event}"] = forms.BooleanField(
                label="The shared mailbox gets one email a day listing them instead",
                required=False,
            )
        self.order_fields(
            ["email", *[f"{p}_{e}" for e, _ in events for p in ("send_to", "digest")], "version"]
        )

    def choices(self) -> dict[str, tuple[str, bool]]:
        data = self.cleaned_data
        return {event: (data[f"send_to_{event}"], data[f"digest_{event}"]) for event, _ in self.events}


class PersonalNotificationsForm(VersionForm):
    def __init__(self, *args: Any, events: list[tuple[str, str]], **kwargs: Any) -> None:
        from accounts.models import PersonalNotification

        super().__init__(*args, **kwargs)
        self.events = events
        for event, label in events:
            self.fields[f"delivery_{event}"] = forms.ChoiceField(
                label=label,
                choices=PersonalNotification.Delivery.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose how you get emails about: {label.lower()}"},
            )
        self.order_fields([*[f"delivery_{e}" for e, _ in events], "version"])

    def choices(self) -> dict[str, str]:
        return {event: self.cleaned_data[f"delivery_{event}"] for event, _ in self.events}
