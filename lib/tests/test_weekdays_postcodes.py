import pytest

from lib.postcodes import display_postcode, is_outcode, is_postcode, outcode_of, postcode_key
from lib.weekdays import byday_codes, day_code


@pytest.mark.parametrize(
    ("text", "code"),
    [("MO", "MO"), ("mon", "MO"), ("Monday", "MO"), (" tues ", "TU"), ("Thurs", "TH"), ("sun", "SU")],
)
def test_day_code_reads_what_people_write(text, code):
    assert day_code(text) == code


def test_day_code_is_none_for_other_words():
    assert day_code("weekday") is None
    assert day_code("") is None


def test_byday_codes_drop_ordinals_and_other_parts():
    assert byday_codes("MO,+1TU, we,-1FR,XX") == ["MO", "TU", "WE", "FR"]
    assert byday_codes("") == []


@pytest.mark.parametrize("text", ["NS1 2AB", "ns12ab", " Ns1  2aB ", "W1A 0AX", "EC1A 1BB", "M1 1AE"])
def test_postcodes_in_any_spacing_or_case(text):
    assert is_postcode(text)


@pytest.mark.parametrize("text", ["", "NS1", "12345", "NS1 2A", "Northtown", "NS1 2AB X"])
def test_not_postcodes(text):
    assert not is_postcode(text)


def test_key_and_display_forms():
    assert postcode_key(" ns1  2ab ") == "NS12AB"
    assert display_postcode("ns12ab") == "NS1 2AB"
    assert display_postcode("EC1A1BB") == "EC1A 1BB"


@pytest.mark.parametrize("text", ["NS5", "ns5", " n s 5 ", "EB6", "SW1A", "M1", "EC1A"])
def test_outcodes_in_any_spacing_or_case(text):
    assert is_outcode(text)


@pytest.mark.parametrize("text", ["", "NS", "5", "NS1 2AB", "Northtown", "NS555"])
def test_not_outcodes(text):
    assert not is_outcode(text)


def test_outcode_of_a_postcode_or_an_outcode():
    assert outcode_of("ns6 2sd") == "NS6"
    assert outcode_of("EC1A1BB") == "EC1A"
    assert outcode_of(" ns5 ") == "NS5"
    assert outcode_of("Northtown") == ""
