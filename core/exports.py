"""What every export with more than its page shows asks first: the reason, which goes into the
access log with the export (issue 10: "exports carry only what the page shows, unless the user asks
for an export with names, which is audited with the reason")."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.forms import Form


class ExportReasonForm(Form):
    reason = forms.CharField(
        label="Why do you need the children's names in this export?",
        help_text=(
            "For example: to check the overdue cases with the local authority's SEN team at today's "
            "meeting. This is written in the access log with the export."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={
            "required": "Enter why you need the children's names",
            "max_length": "Reason must be 1000 characters or fewer",
        },
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < 10:
            raise ValidationError("Enter why you need the children's names, in a sentence")
        return reason
