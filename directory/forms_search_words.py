"""Forms of the search words pages (directory/views_search_words.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core import forms as core_forms
from directory.search_words import clean_phrases


class SynonymForm(core_forms.Form):
    words = forms.CharField(
        label="Words and phrases that mean the same",
        help_text="Separate them with commas, for example: physiotherapy, physio, physiotherapist",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        error_messages={"required": "Enter the words and phrases that mean the same"},
    )
    note = forms.CharField(
        label="Note for other editors (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The note must be 200 characters or fewer"},
    )

    def clean_words(self) -> str:
        try:
            return ", ".join(clean_phrases(self.cleaned_data["words"]))
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from None


class SynonymListForm(core_forms.Form):
    error_names = {"q": "the word to find"}

    q = forms.CharField(label="Find a word", required=False, max_length=100)

    def query(self) -> str:
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        return str(data.get("q") or "").strip()
