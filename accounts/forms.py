"""Sign-in forms. Autocomplete attributes let browsers and password managers fill them in (WCAG 3.3.8):
nothing here blocks pasting or asks people to remember or transcribe anything a machine can fill."""

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.cache import cache

from core.email import send_email


class SignInForm(forms.Form):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TokenForm(forms.Form):
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


class ForgottenPasswordForm(PasswordResetForm):
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


class NewPasswordForm(SetPasswordForm):
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


class VersionForm(forms.Form):
    """The version of the account the administrator saw (core.concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StaffRolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class InviteForm(forms.Form):
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
