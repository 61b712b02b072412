"""What every export needs.

- The reason asked first by an export with more than its page shows, which goes into the access log
  with the export (issue 10: "exports carry only what the page shows, unless the user asks for an
  export with names, which is audited with the reason").
- Cells a spreadsheet will not run as formulas (CSV injection), for every CSV the product writes: the
  dashboards', the access log's and the Local Offer's.
- A streamed CSV download.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse

from core.forms import Form

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Only digits, spaces and . ( ) + -: a number (-3, 12.5) or a phone number (+44 1632 960000), which a
# spreadsheet cannot run as anything but arithmetic (no function, reference or link without letters).
NUMBER_OR_PHONE = re.compile(r"[0-9 .()+-]*[0-9][0-9 .()+-]*")


def safe_cell(value: Any) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula: text starting with
    = + - @, a tab or a carriage return gets a leading apostrophe (which the Local Offer's importer
    removes again), except a number or a phone number."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not NUMBER_OR_PHONE.fullmatch(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, byte_order_mark: bool = True
) -> StreamingHttpResponse:
    """A streamed CSV download, every cell made safe (safe_cell). UTF-8 with a byte-order mark, so
    spreadsheets read it as UTF-8; without one when `byte_order_mark` is False, for a download whose
    users have always had it so."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield ("\ufeff" if byte_order_mark else "") + writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
