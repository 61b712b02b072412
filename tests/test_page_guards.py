"""Site-wide page guards: every page, for every role that can reach it, has exactly one <h1>, a title,
and no markup shown as text.

The walk takes every named GET route (django.urls.get_resolver), fills its path parameters with the
shared personas' records (tests/personas.py, ROUTE_RECORDS), and requests it once as each role: side 1's
personas and someone not signed in. Every HTML answer is checked, whatever its status (a 403 or 404 page
is a page too). Escaped markup is what a person sees when a template escapes HTML it meant to send, for
example `<strong>10 January 2027</strong>` printed with its tags, or a double-escaped `&amp;amp;`.

JSON APIs (under /api/) whose routes take an id are left to their own tests; every other route with
parameters must be known to ROUTE_RECORDS, or this fails and says so.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.personas import PersonaSessions

pytestmark = pytest.mark.django_db

JSON_APIS = ("oruk:", "casework-api:")

H1 = re.compile(r"<h1[\s>]", re.IGNORECASE)
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# Places where a page may show markup as text on purpose (code samples, typed text, scripts).
VERBATIM = re.compile(r"<(pre|code|textarea|script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# An HTML tag escaped into the page's text (`&lt;strong&gt;`), or an entity escaped twice (`&amp;amp;`).
ESCAPED_TAG = re.compile(r"&lt;/?[a-z][a-z0-9]*(?:\s[^<>]*?)?/?&gt;", re.IGNORECASE)
DOUBLE_ESCAPED = re.compile(r"&amp;(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.IGNORECASE)


@dataclass(frozen=True)
class NamedRoute:
    name: str
    params: tuple[str, ...]


def _params(pattern: object) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return tuple(pattern.regex.groupindex)
    return ()


def named_routes(
    resolver: URLResolver | None = None, namespace: str = "", params: tuple = ()
) -> Iterator[NamedRoute]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from named_routes(entry, ns, params + _params(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield NamedRoute(f"{namespace}{entry.name}", params + _params(entry.pattern))


def routes() -> list[NamedRoute]:
    unique = {route.name: route for route in named_routes()}
    return sorted(unique.values(), key=lambda route: route.name)


def page_problems(html: str) -> list[str]:
    """What is wrong with one HTML page (empty when nothing is)."""
    problems = []
    h1s = len(H1.findall(html))
    if h1s != 1:
        problems.append(f"{h1s} <h1> elements")
    title = TITLE.search(html)
    if title is None or not re.sub(r"\s+", " ", title[1]).strip():
        problems.append("no title")
    text = VERBATIM.sub("", html)
    for pattern in (ESCAPED_TAG, DOUBLE_ESCAPED):
        if match := pattern.search(text):  # the first is enough to find the template
            start = max(match.start() - 60, 0)
            problems.append(f"markup shown as text: ...{text[start : match.end() + 30]!r}...")
    return problems


ROUTES = routes()


@pytest.fixture(scope="module")
def walk(personas, persona_sessions) -> Iterator[tuple[PersonaSessions, list[str]]]:
    """Side 1's personas and the anonymous visitor, each signed in once for the module on one client
    (conftest's persona_sessions); reports how long the walk took."""
    started, cpu = time.perf_counter(), time.process_time()
    yield persona_sessions, [persona.name for persona in personas.one_per_role()]
    print(
        f"\npage guards: {WALKED['pages']} HTML pages checked, {len(WALKED['reached'])} routes reached, "
        f"{time.perf_counter() - started:.1f} s ({time.process_time() - cpu:.1f} s CPU)"
    )


WALKED: dict = {"pages": 0, "reached": set()}


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_every_page_has_one_h1_a_title_and_no_markup_shown_as_text(personas, walk, route):
    sessions, names = walk
    try:
        fillings = personas.route_kwargs(route.name, route.params)
    except KeyError:
        if route.name.startswith(JSON_APIS):
            pytest.skip("a JSON API's record route: covered by the API tests")
        raise
    failures = []
    for kwargs in fillings:
        path = reverse(route.name, kwargs=kwargs)
        for persona_name in names:
            response = sessions.as_(persona_name).get(path)
            if response.status_code == 200:
                WALKED["reached"].add(route.name)
            if (
                300 <= response.status_code < 400
                or response.status_code == 405  # not a GET route: it only takes a form's POST
                or response.streaming
                or not response.get("Content-Type", "").startswith("text/html")
            ):
                continue
            WALKED["pages"] += 1
            for problem in page_problems(response.content.decode()):
                failures.append(f"{path} as {persona_name} ({response.status_code}): {problem}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(sorted(set(failures)))


@pytest.mark.parametrize(
    "name", ["advice:assignment-detail", "advice:request-detail", "children:child-detail", "audit:child"]
)
def test_the_walk_opens_real_records(personas, walk, name):
    """The personas' records fill the routes, so the walk opens real pages, not just 404s."""
    sessions, names = walk
    route = next(route for route in ROUTES if route.name == name)
    reached = []
    for kwargs in personas.route_kwargs(name, route.params):
        for persona_name in names:
            if sessions.as_(persona_name).get(reverse(name, kwargs=kwargs)).status_code == 200:
                reached.append(persona_name)
    assert reached, f"no persona could open {name}: check tests/personas.py"


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Request - SEND Health Hub</title></head><body><h1>Request</h1>"
        "<dd>&lt;strong&gt;10 January 2027&lt;/strong&gt; (3 days left)</dd></body></html>",
        "<html><head><title>Request</title></head><body><h1>Request</h1><h1>Again</h1></body></html>",
        "<html><head><title> </title></head><body><h1>Request</h1></body></html>",
        "<html><head><title>Request</title></head><body><h1>Tom &amp;amp; Jerry</h1></body></html>",
    ],
)
def test_the_guard_catches_a_faulty_page(html):
    assert page_problems(html)


def test_the_guard_passes_a_good_page_with_code_samples():
    html = (
        "<html><head><title>Open data - SEND Health Hub</title></head><body><h1>Open data</h1>"
        "<p>Tom &amp; Jerry &lt; 5 years</p><pre>&lt;a href=&quot;/api/v3/&quot;&gt;</pre>"
        "<textarea>&lt;b&gt;typed&lt;/b&gt;</textarea></body></html>"
    )
    assert page_problems(html) == []
