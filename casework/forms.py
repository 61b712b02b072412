"""Form pieces every casework page uses: the version the person saw (optimistic locking, core's
VersionForm, named here too for casework's callers), attachments checked by size and content, and a
service's ValidationError put back next to the fields."""

from __future__ import annotations

import os
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.forms import VersionForm as VersionForm
from core.uploads import check_upload

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
ATTACHMENT_HINT = (
    "Optional. Up to 5 files, each no bigger than 10MB: PDF, Word, OpenDocument, rich text, "
    "plain text, JPEG or PNG. If the page shows an error, choose the files again."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, each checked for size and type by content (core.uploads)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Attachments")
        kwargs.setdefault("help_text", ATTACHMENT_HINT)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(f"Choose no more than {MAX_ATTACHMENTS} files")
        for upload in files:
            name = os.path.basename(getattr(upload, "name", "") or "")
            if getattr(upload, "size", 0) > MAX_ATTACHMENT_BYTES:
                raise ValidationError(f"{name} must be smaller than 10MB")
            if getattr(upload, "size", 0) == 0:
                raise ValidationError(f"{name} is empty")
            # By content, not name or the browser's word; scanned for viruses when configured.
            checked = check_upload(upload)
            upload.content_type = checked.content_type  # what the service stores and the download sends
        return files


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form: next to the field it names when the form has one,
    otherwise at the top of the form. `aliases` maps a name the service uses to the form field that
    shows it (a service date checked against a field with another name, say)."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        name = aliases.get(key, key)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
