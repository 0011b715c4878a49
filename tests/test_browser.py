"""
End-to-end journeys in a real headless Chromium (Debian's package, driven by
Playwright). Skipped, with the reason, where Chromium is not installed; CI
installs it and sets KB_REQUIRE_SERVICES=1 so they cannot be skipped there.
"""

import pytest

from articles.models import Article, Category, ContactRequest, HelpLink

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content(db):
    category = Category.objects.create(name="Account and Settings", slug="account-and-settings")
    article = Article.objects.create(
        title="Troubleshooting account login issues",
        slug="login-issues",
        category=category,
        status=Article.Status.PUBLISHED,
        summary="Why you cannot sign in.",
        body="Intro.\n\n## Billing terminated\nUnpaid accounts are terminated at month end.\n\n"
        "## Account banned\nA ban is permanent and dedicated IPs are removed.",
    )
    HelpLink.objects.create(label="Community forum", url="https://community.example.com/")
    return article


def test_customer_searches_from_home_and_lands_on_the_right_section(live_server, page, content):
    page.goto(live_server.url + "/")
    box = page.locator("main input[name=q]")
    box.fill("acount bnned")
    box.press("Enter")
    page.wait_for_url("**/search/?**")
    assert "account banned" in page.content()  # "Showing results for ..."
    page.get_by_role("link", name="Troubleshooting account login issues").first.click()
    page.wait_for_url("**/articles/login-issues/#account-banned")
    assert page.locator("h1").inner_text() == "Troubleshooting account login issues"
    assert page.locator("#account-banned").is_visible()


def test_customer_still_stuck_reaches_support_from_an_article(live_server, page, content):
    page.goto(live_server.url + "/articles/login-issues/")
    page.locator("a[href='/contact/?article=login-issues']:visible").first.click()
    page.wait_for_url("**/contact/?article=login-issues")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Your email address").fill("ada@example.com")
    page.get_by_label("Subject").fill("Still locked out")
    page.get_by_label("How can we help?").fill("My account says banned but I never broke any rule.")
    # Articles that may answer it appear beside the form; once seen, the form sends at once.
    page.locator("[data-suggestions]").wait_for(state="visible")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/contact/thanks/")
    request = ContactRequest.objects.get()
    assert request.article_id == content.pk and request.subject == "Still locked out"


def test_invalid_contact_form_shows_errors_next_to_fields(live_server, page, content):
    page.goto(live_server.url + "/contact/")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Your email address").fill("ada@example.com")
    page.get_by_label("Subject").fill("Hi")
    page.get_by_label("How can we help?").fill("short")
    page.get_by_role("button", name="Send").click()
    assert page.get_by_label("How can we help?").get_attribute("aria-invalid") == "true"
    assert ContactRequest.objects.count() == 0
