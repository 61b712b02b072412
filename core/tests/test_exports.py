"""The one CSV formula guard every export uses (core.exports.safe_cell) and the streamed CSV download."""

from __future__ import annotations

import pytest

from core.exports import csv_response, safe_cell


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("https://example.org")',
        "@SUM(A1)",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",  # starts like a number, is not one
        "- 1+cmd|' /C calc'!A0",
        "+44 1632 960000=1",
        "\t=1+1",
        "\r=1+1",
        "-",
        "-1E5",
    ],
)
def test_text_a_spreadsheet_could_run_gets_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["-3", -3, "12.5", "-0.5", "+44 1632 960000", "+44 (0)20 7946 0000", "Rainbow Nursery", "", "1 - 2"],
)
def test_numbers_phone_numbers_and_plain_text_are_left_alone(value):
    assert safe_cell(value) == str(value)


def test_nothing_is_an_empty_cell():
    assert safe_cell(None) == ""


def test_a_csv_download_makes_every_cell_safe_with_or_without_a_byte_order_mark():
    response = csv_response("x.csv", ["name", "=header"], [["=1+1", None], ["-3", "+44 1632 960000"]])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    assert body == "\ufeffname,'=header\r\n'=1+1,\r\n-3,+44 1632 960000\r\n"
    response = csv_response("x.csv", ["name"], [["@x"]], byte_order_mark=False)
    assert b"".join(response.streaming_content).decode() == "name\r\n'@x\r\n"
