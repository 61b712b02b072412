import pytest

from tests.browser.conftest import check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path", ["/", "/styleguide/", "/styleguide/?name=", "/accounts/sign-in/", "/accessibility/"]
)
def test_core_pages_have_no_axe_violations(page, path):
    page.goto(path)
    check(page)
