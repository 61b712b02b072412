"""Defects found walking the public pages: pagination numbers and the header's current entry."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from directory.search import reindex_services
from directory.testing import ServiceFactory
from directory.views_public import page_numbers


@pytest.mark.parametrize(
    ("page", "pages", "expected"),
    [
        (1, 1, [1]),
        (1, 4, [1, 2, 3, 4]),  # a gap of one page shows the page, never '1 2 … 4'
        (4, 4, [1, 2, 3, 4]),
        (1, 10, [1, 2, None, 10]),
        (5, 10, [1, None, 4, 5, 6, None, 10]),
        (3, 10, [1, 2, 3, 4, None, 10]),
        (10, 10, [1, None, 9, 10]),
    ],
)
def test_page_numbers_follow_the_nhs_pattern(page, pages, expected):
    assert page_numbers(page, pages) == expected


def header_current(response) -> list[str]:
    header = response.content.decode().split("</header>")[0]
    links = re.findall(r'(<a[^>]*class="nhsuk-header__navigation-link"[^>]*>)(.*?)</a>', header, flags=re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for tag, text in links if 'aria-current="page"' in tag]


@pytest.mark.django_db
def test_one_header_entry_is_current_on_each_public_page(client):
    service = ServiceFactory(name="Art club")
    reindex_services()
    for path, entry in [
        (reverse("directory:search"), "Find services"),
        (reverse("directory:service", args=[service.public_id]), "Find services"),
        (reverse("directory:a-to-z"), "Services A to Z"),
        (reverse("directory:a-to-z-letter", args=["A"]), "Services A to Z"),
        (reverse("directory:shortlist"), "Your shortlist"),
    ]:
        response = client.get(path)
        assert header_current(response) == [entry], path


@pytest.mark.django_db
def test_search_pagination_shows_every_page_of_four(client):
    for n in range(35):
        ServiceFactory(name=f"Club {n:02d}", description="A club.")
    reindex_services()
    html = client.get(reverse("directory:search")).content.decode()
    assert 'aria-label="Page 3"' in html and "&ctdot;" not in html


@pytest.mark.django_db
def test_a_long_summary_ends_with_one_ellipsis_not_a_full_stop_and_one(client):
    words = "x " * 104 + "station. Following that we walk to the park."  # the cut falls after "station."
    ServiceFactory(name="Walking group", description=words)
    reindex_services()
    html = client.get(reverse("directory:search")).content.decode()
    assert "station…" in html
    assert ".…" not in html and "…." not in html


@pytest.mark.django_db
def test_a_page_beyond_the_last_goes_to_the_last_page(client):
    for n in range(25):
        ServiceFactory(name=f"Club {n:02d}", description="A club.")
    reindex_services()
    response = client.get(reverse("directory:search"), {"page": "99"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain and "page=3" in response.redirect_chain[-1][0]
    assert "Club" in html
