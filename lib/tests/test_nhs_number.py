import pytest

from lib.nhs_number import InvalidNhsNumber, format_nhs_number, is_test_number, is_valid, normalise, validate


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("9434765919", True),  # statutory.md 9.5 test vectors
        ("9434765918", False),
        ("4010232137", True),
        ("1111111111", False),  # passes the checksum, rejected as all-identical digits
        ("0000000000", False),
        ("943 476 5919", True),
        ("943-476-5919", True),
        (" 943 476 5919 ", True),
        ("943476591", False),  # 9 digits
        ("94347659190", False),  # 11 digits
        ("94347659I9", False),
        ("", False),
    ],
)
def test_validity(raw, valid):
    assert is_valid(raw) is valid


def test_normalise_and_format():
    assert normalise("943 476 5919") == "9434765919"
    assert format_nhs_number("9434765919") == "943 476 5919"
    assert validate("943 476 5919") == "9434765919"


def test_reasons_are_given():
    with pytest.raises(InvalidNhsNumber, match="10 digits"):
        validate("12345")
    with pytest.raises(InvalidNhsNumber, match="same digit"):
        validate("1111111111")
    with pytest.raises(InvalidNhsNumber, match="check the digits"):
        validate("9434765918")


def test_test_range_is_flagged_not_rejected():
    assert is_test_number("999 000 0018")
    assert not is_test_number("9434765919")
