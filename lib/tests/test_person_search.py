"""Reading what someone typed to find a child, and matching names in any order with small misspellings."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.person_search import name_score, parse

TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    "typed",
    [
        "5/3/2017",
        "05/03/2017",
        "5-3-2017",
        "5.3.17",
        "05 03 2017",
        "2017-03-05",
        "5 March 2017",
        "5th Mar 2017",
        "March 5, 2017",
        "5-mar-2017",
    ],
)
def test_dates_of_birth_in_any_common_form(typed):
    terms = parse(typed, today=TODAY)
    assert terms.dates == [dt.date(2017, 3, 5)] and not terms.names and not terms.references


def test_a_two_digit_year_is_this_century_unless_that_is_in_the_future():
    assert parse("1/2/03", today=TODAY).dates == [dt.date(2003, 2, 1)]
    assert parse("1/2/99", today=TODAY).dates == [dt.date(1999, 2, 1)]


@pytest.mark.parametrize("typed", ["943 476 5919", "9434765919", "943-476-5919"])
def test_nhs_numbers_with_or_without_spaces(typed):
    assert parse(typed, today=TODAY).nhs_numbers == ["9434765919"]


def test_names_dates_and_references_together():
    terms = parse("Maya  Thornfield 3/4/2015 HA0000301", today=TODAY)
    assert terms.names == ["maya", "thornfield"]
    assert terms.dates == [dt.date(2015, 4, 3)]
    assert terms.references == ["HA0000301"]


def test_an_impossible_date_is_not_a_date():
    assert parse("31/2/2015", today=TODAY).dates == []


@pytest.mark.parametrize(
    "typed",
    [
        "Maya Thornfield",
        "thornfield maya",
        "Maia Thornfeild",
        "THORNFIELD",
        "thorn",
        "Maya O'Brien-Thornfield"[:4],
    ],
)
def test_names_match_in_any_order_and_with_small_misspellings(typed):
    assert name_score(parse(typed).names, "Maya", "Thornfield") is not None


def test_double_barrelled_and_accented_names():
    assert name_score(parse("Zoe Brien").names, "Zoë", "O’Brien-Hale") is not None
    assert name_score(parse("hale").names, "Zoë", "O’Brien-Hale") is not None


@pytest.mark.parametrize("typed", ["Oliver Thornfield", "Maya Smith", "Xavier"])
def test_a_different_name_does_not_match(typed):
    assert name_score(parse(typed).names, "Maya", "Thornfield") is None


def test_the_exact_name_scores_above_a_near_one():
    exact = name_score(["maya", "thornfield"], "Maya", "Thornfield")
    near = name_score(["maya", "thornfield"], "Maia", "Thornfeld")
    assert exact is not None and near is not None and exact > near
