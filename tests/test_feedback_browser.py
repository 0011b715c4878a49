"""Feedback and suggested articles in a real browser: with JavaScript, and without it."""

import pytest

from articles.models import Article, ArticleFeedback, Category, ContactRequest

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content(db):
    category = Category.objects.create(name="Account and Settings", slug="account-and-settings")
    return Article.objects.create(
        title="Troubleshooting account login issues",
        slug="login-issues",
        category=category,
        status=Article.Status.PUBLISHED,
        body="Intro.\n\n## Billing terminated\nUnpaid accounts are terminated.\n\n## Account banned\nBans last.",
    )


def test_a_vote_with_javascript_needs_no_reload_and_is_announced(live_server, page, content):
    page.goto(live_server.url + "/articles/login-issues/")
    page.evaluate("window.notReloaded = true")
    page.locator("#feedback--article").get_by_role("button", name="No").click()
    page.get_by_role("status").filter(has_text="What went wrong?").wait_for()
    page.get_by_label("Something was missing").check()
    page.get_by_label("Anything else we should know?").fill("Nothing about SSO.")
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_role("status").filter(has_text="has been sent").wait_for()
    section = page.locator("#feedback--account-banned")
    section.get_by_role("button", name="Yes").click()
    section.get_by_role("status").filter(has_text="glad that fixed it").wait_for()
    assert section.get_by_role("button", name="Yes").get_attribute("aria-pressed") == "true"
    assert page.evaluate("window.notReloaded") is True
    votes = {(v.section_anchor, v.helpful, v.reason, v.comment) for v in ArticleFeedback.objects.all()}
    assert votes == {("", False, "incomplete", "Nothing about SSO."), ("account-banned", True, "", "")}


def test_a_vote_without_javascript_comes_back_to_the_same_place(live_server, browser, content):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/articles/login-issues/")
    page.locator("#feedback--billing-terminated").get_by_role("button", name="No").click()
    page.wait_for_url("**/articles/login-issues/?fixed=billing-terminated&answer=no#feedback--billing-terminated")
    assert page.locator("#feedback--billing-terminated").get_by_role("link", name="Contact support").is_visible()
    assert ArticleFeedback.objects.get().helpful is False
    context.close()


def test_without_javascript_the_first_submit_offers_articles_then_sends_anyway(live_server, browser, content):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/contact/")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Your email address").fill("ada@example.com")
    page.get_by_label("Subject").fill("Account banned")
    page.get_by_label("How can we help?").fill("My account says banned, why?")
    page.get_by_role("button", name="Send message").click()
    page.get_by_role("link", name="Troubleshooting account login issues").wait_for()
    assert ContactRequest.objects.count() == 0
    assert page.get_by_label("Subject").input_value() == "Account banned"
    page.get_by_role("button", name="Send anyway").click()
    page.wait_for_url("**/contact/thanks/")
    assert ContactRequest.objects.get().subject == "Account banned"
    context.close()
