"""The words parents use: synonyms, word forms, terms, spelling, searches that find nothing, and the
editor pages that keep the synonym list (on whichever engine is in use)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.testing import sign_in
from audit.context import AuditContext
from directory import search_words
from directory.models import Synonym, Taxonomy, ZeroResultSearch
from directory.search import ServiceSearch, reindex_services, search_services
from directory.search.misses import normalised_words
from directory.search.synonyms import DEFAULT_SYNONYMS, expand
from directory.search.words import word_family
from directory.testing import ServiceFactory, TaxonomyFactory, TaxonomyTermFactory
from directory.tests.editor_personas import make_world

pytestmark = pytest.mark.django_db


def need(code: str, name: str, position: int):
    taxonomy = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.NEEDS)
    return TaxonomyTermFactory(taxonomy=taxonomy, code=code, name=name, position=position)


def category(code: str, name: str, position: int):
    taxonomy = TaxonomyFactory(vocabulary=Taxonomy.Vocabulary.CATEGORIES)
    return TaxonomyTermFactory(taxonomy=taxonomy, code=code, name=name, position=position)


def names(results) -> list[str]:
    from directory.models import Service

    by_id = dict(Service.objects.values_list("pk", "name"))
    return [by_id[i] for i in results.service_ids]


def found(text: str, **kw) -> list[str]:
    return names(search_services(ServiceSearch(text=text, per_page=50, **kw)))


def test_the_default_list_ships_with_a_fresh_install():
    groups = [s.words.lower() for s in Synonym.objects.all()]
    assert len(groups) == len(DEFAULT_SYNONYMS)
    for words in ("asd", "salt", "physio", "semh", "pmld", "ehcp", "bedwetting", "sendiass", "camhs"):
        assert any(re.search(rf"\b{words}\b", g) for g in groups), words


def test_abbreviations_and_everyday_words_find_services_by_the_terms_they_are_tagged_with():
    autism = need("autism", "Autism", 0)
    vision = need("vision", "Sensory: vision", 5)
    physio = category("physiotherapy", "Physiotherapy", 13)
    ServiceFactory(name="Saturday club", description="Games and crafts.", terms=[autism])
    ServiceFactory(name="Children's movement clinic", description="Help with posture.", terms=[physio])
    ServiceFactory(name="Braille library", description="Books to borrow.", terms=[vision])
    ServiceFactory(name="Swimming lessons", description="In the big pool.")
    reindex_services()
    assert found("ASD") == ["Saturday club"]
    assert found("asperger") == ["Saturday club"]
    assert found("physio") == ["Children's movement clinic"]
    assert found("blind") == ["Braille library"]
    # A search no longer offers "and" for ASD, nor lists everything.
    results = search_services(ServiceSearch(text="ASD"))
    assert results.suggestion is None and results.corrected_from is None


def test_word_forms_match_each_other():
    ServiceFactory(name="Parent group", description="For families of autistic children.")
    ServiceFactory(name="Reading help", description="Support with dyslexia at home.")
    ServiceFactory(name="Therapy hub", description="A team of therapists.")
    reindex_services()
    assert found("autism") == ["Parent group"]
    assert found("dyslexic") == ["Reading help"]
    assert found("therapy") == ["Therapy hub"]


def test_an_editors_new_synonym_works_at_the_next_search_and_a_deleted_one_stops():
    ServiceFactory(name="Splash time", description="Hydrotherapy sessions in a warm pool.")
    reindex_services()
    assert found("aquatic therapy") == []
    context = AuditContext.worker("test")
    synonym = search_words.create_synonym(user=None, context=context, words="hydrotherapy, aquatic therapy")
    assert found("aquatic therapy") == ["Splash time"]
    search_words.delete_synonym(user=None, context=context, synonym=synonym, expected_version=synonym.version)
    assert found("aquatic therapy") == []


def test_phrases_match_as_one_slot_on_their_stems():
    slots = expand("autistic spectrum disorders club")
    assert [s.typed for s in slots] == [("autistic", "spectrum", "disorders"), ("club",)]
    assert ("asd",) in slots[0].alternatives and ("autism",) in slots[0].alternatives


def test_the_best_textual_match_comes_first():
    physio = category("physiotherapy", "Physiotherapy", 13)
    ServiceFactory(name="Movement clinic", description="Exercises at home.", terms=[physio])
    ServiceFactory(name="Physiotherapy for children", description="Posture and balance.")
    ServiceFactory(name="Physio drop-in", description="Ask a physio.")
    reindex_services()
    assert found("physio") == ["Physio drop-in", "Physiotherapy for children", "Movement clinic"]


def test_spelling_is_corrected_only_towards_words_that_find_something():
    ServiceFactory(name="Autism support group", description="Meet other parents.")
    reindex_services()
    corrected = search_services(ServiceSearch(text="autsim"))
    assert corrected.corrected_from == "autsim" and corrected.suggestion == "autism"
    assert names(corrected) == ["Autism support group"]
    # "anf" is one letter from "and": a stop word is never offered.
    nothing = search_services(ServiceSearch(text="anf"))
    assert nothing.total == 0 and nothing.suggestion is None
    # A correction that would find nothing either (with the filters chosen) is not offered.
    filtered = search_services(ServiceSearch(text="autsim", minimum_age=90, maximum_age=90))
    assert filtered.total == 0 and filtered.suggestion is None


def test_searches_that_find_nothing_are_counted_by_their_words_only():
    ServiceFactory(name="Autism support group")
    reindex_services()
    for text in ("Trampoline NS1 2AB", "trampoline park 07700 900123", "TRAMPOLINE a@b.example"):
        assert search_services(ServiceSearch(text=text)).total == 0
    counted = dict(ZeroResultSearch.objects.values_list("words", "count"))
    assert counted == {"trampoline": 2, "trampoline park": 1}
    # Found something, or found nothing only because of a filter: not counted.
    search_services(ServiceSearch(text="autism"))
    search_services(ServiceSearch(text="autism", minimum_age=90, maximum_age=90))
    assert ZeroResultSearch.objects.count() == 2


def test_normalised_words_drop_anything_personal():
    assert normalised_words("The Trampoline near NS12AB") == "trampoline"
    assert normalised_words("call 01632 960123 or jo@example.org") == "call"
    assert normalised_words("flat 4b 12 High Street") == "flat high street"
    assert normalised_words("www.example.org swimming") == "swimming"
    assert normalised_words("and the") == ""


def test_a_search_that_finds_nothing_says_what_would_help():
    autism = need("autism", "Autism", 0)
    ServiceFactory(name="Autism support group", terms=[autism])
    ServiceFactory(name="Swimming club", description="Lessons for all.")
    reindex_services()
    results = search_services(ServiceSearch(text="autism swimming"))
    assert results.total == 0 and results.help is not None
    assert results.help.words_alone == [("autism", 1), ("swimming", 1)]
    assert [(t.param, t.code, t.count) for t in results.help.related] == [("need", "autism", 1)]


def test_word_families_are_shared_by_word_forms():
    assert word_family("autistic") == word_family("autism")
    assert word_family("dyslexic") == word_family("dyslexia")
    assert word_family("paediatrician") == word_family("paediatrics")
    assert word_family("media") != word_family("medical")


def test_the_oruk_api_search_understands_the_same_words(client):
    autism = need("autism", "Autism", 0)
    service = ServiceFactory(name="Saturday club", description="Games.", terms=[autism])
    ServiceFactory(name="Swimming lessons")
    reindex_services()
    body = client.get("/api/v3/services", {"search": "ASD"}).json()
    assert [item["id"] for item in body["contents"]] == [str(service.public_id)]
    # Words that find nothing through the API are counted like the page's.
    assert client.get("/api/v3/services", {"search": "trampoline"}).json()["contents"] == []
    assert ZeroResultSearch.objects.get().words == "trampoline"


# --- The editor pages --------------------------------------------------------------------------


@pytest.fixture
def world():
    return make_world()


def one_h1(response) -> str:
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1, html
    return html


def test_a_local_offer_editor_adds_changes_and_deletes_a_synonym_group_with_history(client, world):
    sign_in(client, world.editor)
    page = one_h1(client.get(reverse("directory:editor-search-words")))
    assert "autism, autistic, ASD, ASC" in page

    response = client.post(
        reverse("directory:editor-synonym-create"), {"words": "Hydrotherapy,  aquatic therapy", "note": ""}
    )
    assert response.status_code == 302
    synonym = Synonym.objects.get(words="Hydrotherapy, aquatic therapy")

    edit = reverse("directory:editor-synonym", args=[synonym.public_id])
    assert "Hydrotherapy, aquatic therapy" in one_h1(client.get(edit))
    response = client.post(edit, {"words": "hydrotherapy, water therapy", "note": "", "version": "1"})
    assert response.status_code == 302
    # Someone else's page, opened before that change, is told so and nothing is lost.
    stale = client.post(edit, {"words": "hydrotherapy, pool therapy", "note": "", "version": "1"})
    assert stale.status_code == 409
    assert "pool therapy" in stale.content.decode()

    history = one_h1(client.get(reverse("directory:editor-synonym-history", args=[synonym.public_id])))
    assert "Edie Editor" in history and "aquatic therapy" in history and "water therapy" in history

    delete = reverse("directory:editor-synonym-delete", args=[synonym.public_id])
    assert "Delete a synonym group" in one_h1(client.get(delete))
    assert client.post(delete, {"version": "2"}).status_code == 302
    assert not Synonym.objects.filter(pk=synonym.pk).exists()
    listing = one_h1(client.get(reverse("directory:editor-search-words")))
    assert "deleted by Edie Editor: hydrotherapy, water therapy" in listing


def test_a_synonym_group_needs_two_phrases(client, world):
    sign_in(client, world.editor)
    response = client.post(reverse("directory:editor-synonym-create"), {"words": "physio", "note": ""})
    assert response.status_code == 200
    assert "Enter at least 2 words or phrases" in one_h1(response)


def test_editors_see_searches_that_found_nothing_and_can_add_a_synonym(client, world):
    reindex_services()
    for _ in range(3):
        search_services(ServiceSearch(text="hydrotherapy"))
    sign_in(client, world.editor)
    page = one_h1(client.get(reverse("directory:editor-searches-not-found")))
    assert "hydrotherapy" in page and ">3<" in page
    add = reverse("directory:editor-synonym-create") + "?words=hydrotherapy"
    assert f'href="{add}"' in page
    assert "hydrotherapy" in one_h1(client.get(add))


@pytest.mark.parametrize("who", ["provider_editor", "caseworker"])
def test_only_local_offer_editors_keep_the_search_words(client, world, who):
    sign_in(client, getattr(world, who))
    for name in ("directory:editor-search-words", "directory:editor-searches-not-found"):
        assert client.get(reverse(name)).status_code == 403
    synonym = Synonym.objects.first()
    assert synonym is not None
    url = reverse("directory:editor-synonym", args=[synonym.public_id])
    assert client.post(url, {"words": "a, b", "version": "1"}).status_code == 403


def test_the_results_page_says_nothing_was_found_and_offers_what_would_help(client):
    autism = need("autism", "Autism", 0)
    ServiceFactory(name="Autism support group", terms=[autism])
    ServiceFactory(name="Swimming club", description="Lessons for all.")
    reindex_services()
    html = one_h1(client.get(reverse("directory:search"), {"q": "autism swimming"}))
    assert "No services found" in html
    assert "No services matched <strong>autism swimming</strong>" in html
    assert 'href="/services/?q=autism">Search for autism only (1 service)</a>' in html
    assert "Related topics" in html and 'href="/services/?need=autism">Autism (1 service)</a>' in html

    corrected = one_h1(client.get(reverse("directory:search"), {"q": "autsim"}))
    assert "Showing results for <strong>autism</strong> instead" in corrected
    assert "Autism support group" in corrected

    asd = one_h1(client.get(reverse("directory:search"), {"q": "ASD"}))
    assert "1 service found" in asd and "instead" not in asd and "Did you mean" not in asd
