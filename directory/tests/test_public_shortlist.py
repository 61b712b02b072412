"""The public shortlist: kept on the visitor's device (a cookie of service ids), changed by form
POSTs that return the visitor to where they were, and shared or printed as a link."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from directory import shortlist as shortlists
from directory.models import Service
from directory.search import reindex_services
from directory.testing import PhoneFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def services():
    speech = ServiceFactory(name="Speech and language therapy", description="Therapy for talking.")
    PhoneFactory(service=speech, number="01632 960001")
    swim = ServiceFactory(name="Swimming club", description="Splash sessions for all.")
    closed = ServiceFactory(name="Old club", description="Gone.", status=Service.Status.INACTIVE)
    reindex_services()
    return speech, swim, closed


def add(client, service, next_url="/services/?q=therapy"):
    return client.post(
        reverse("directory:shortlist-add"), {"service": str(service.public_id), "next": next_url}
    )


def test_adding_keeps_the_service_in_a_long_lived_cookie_and_returns_to_the_search(client, services):
    speech, _, _ = services
    response = add(client, speech, "/services/?q=therapy&page=1#service-x")
    assert response.status_code == 302
    assert response["Location"] == "/services/?q=therapy&page=1#service-x"
    cookie = response.cookies[shortlists.COOKIE_NAME]
    assert cookie.value == str(speech.public_id)
    assert int(cookie["max-age"]) >= 300 * 24 * 3600  # survives closing the tab (and the browser)
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    page = client.get("/services/?q=therapy")
    body = text_of(page)
    assert "Speech and language therapy added to your shortlist" in body
    assert "On your shortlist" in body and "Your shortlist (1)" in body


def test_the_shortlist_survives_new_searches_and_pages(client, services):
    speech, swim, _ = services
    add(client, speech)
    add(client, swim)
    body = text_of(client.get(reverse("directory:search"), {"q": "swimming"}))
    assert "On your shortlist" in body and "Your shortlist (2)" in body
    body = text_of(client.get(reverse("directory:shortlist")))
    assert "Speech and language therapy" in body and "Swimming club" in body and "01632 960001" in body
    assert "2 services" in body
    page = client.get(reverse("directory:service", args=[speech.public_id]))
    assert "On your shortlist" in text_of(page)


def test_removing_takes_it_off_and_says_so(client, services):
    speech, swim, _ = services
    add(client, speech)
    add(client, swim)
    response = client.post(
        reverse("directory:shortlist-remove"),
        {"service": str(speech.public_id), "next": "/services/shortlist/"},
    )
    assert response["Location"] == "/services/shortlist/"
    assert response.cookies[shortlists.COOKIE_NAME].value == str(swim.public_id)
    body = text_of(client.get(reverse("directory:shortlist")))
    assert "Speech and language therapy removed from your shortlist" in body
    assert "1 service." in body
    client.post(reverse("directory:shortlist-remove"), {"service": str(swim.public_id)})
    assert "Your shortlist is empty" in text_of(client.get(reverse("directory:shortlist")))


@pytest.mark.parametrize(
    "next_url",
    ["https://elsewhere.example/", "//elsewhere.example/", "/\\elsewhere.example", "javascript:alert(1)", ""],
)
def test_the_way_back_is_only_ever_a_page_on_this_site(client, services, next_url):
    speech, _, _ = services
    response = add(client, speech, next_url)
    assert response["Location"] == reverse("directory:service", args=[speech.public_id])


def test_only_published_services_can_be_added_and_only_by_post(client, services):
    _, _, closed = services
    assert add(client, closed).status_code == 404
    assert client.post(reverse("directory:shortlist-add"), {"service": "junk"}).status_code == 404
    assert client.get(reverse("directory:shortlist-add")).status_code == 405
    assert client.get(reverse("directory:shortlist-remove")).status_code == 405


def test_adding_and_removing_need_the_form_token(services):
    speech, _, _ = services
    client = Client(enforce_csrf_checks=True)
    assert add(client, speech).status_code == 403
    page = client.get(reverse("directory:service", args=[speech.public_id]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        reverse("directory:shortlist-add"), {"service": str(speech.public_id), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_a_shortlist_is_shared_as_a_link_and_can_be_saved(client, services):
    speech, swim, _ = services
    add(client, speech)
    add(client, swim)
    own = client.get(reverse("directory:shortlist"))
    share = (
        re.search(r'id="share-link"[^>]*value="([^"]+)"', own.content.decode()).group(1).replace("&amp;", "&")
    )
    assert share.endswith(f"/services/shortlist/?s={speech.public_id}&s={swim.public_id}")
    friend = Client()
    shared = friend.get(share.replace("http://testserver", ""))
    body = text_of(shared)
    assert "A shared shortlist" in body and "Speech and language therapy" in body and "Swimming club" in body
    assert "01632 960001" in body
    response = friend.post(
        reverse("directory:shortlist-add"),
        {"service": [str(speech.public_id), str(swim.public_id)], "next": "/services/shortlist/"},
    )
    assert response.cookies[shortlists.COOKIE_NAME].value == f"{speech.public_id}.{swim.public_id}"
    assert "2 services added to your shortlist" in text_of(friend.get("/services/shortlist/"))


def test_a_bad_or_oversized_cookie_is_read_safely(client, services):
    speech, _, _ = services
    many = [str(uuid.uuid4()) for _ in range(80)]
    client.cookies[shortlists.COOKIE_NAME] = ".".join(["junk", str(speech.public_id), *many, "<script>"])
    body = text_of(client.get(reverse("directory:shortlist")))
    assert "Speech and language therapy" in body and "1 service." in body
    assert len(shortlists.ids_from_cookie(client.get("/").wsgi_request)) == shortlists.MAX_SHORTLIST


def test_a_full_shortlist_says_so():
    ids = [str(uuid.uuid4()) for _ in range(shortlists.MAX_SHORTLIST)]
    assert shortlists.with_added(ids, [str(uuid.uuid4())]) == ids
    assert shortlists.with_added(ids[:2], [ids[0]]) == ids[:2]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/services/?q=autism&page=2#service-1", "/services/?q=autism&page=2#service-1"),
        ("https://elsewhere.example/x", "/d"),
        ("//elsewhere.example", "/d"),
        ("/\\elsewhere.example", "/d"),
        ("/ok\\x", "/d"),
        ("/x\nLocation: y", "/d"),
        (None, "/d"),
    ],
)
def test_return_path(value, expected):
    assert shortlists.return_path(value, "/d") == expected
