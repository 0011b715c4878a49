"""
Instant search results in a real headless Chromium: the search boxes and the
contact form's subject field become WAI-ARIA comboboxes showing the top
results from /api/search/ as the customer types. Skipped, with the reason,
where Chromium is not installed (CI sets KB_REQUIRE_SERVICES=1).
"""

import pytest

from articles.models import Article, Category

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Troubleshooting account login issues"


@pytest.fixture
def category(transactional_db):
    return Category.objects.create(name="Account and Settings", slug="account-and-settings")


@pytest.fixture
def content(category):
    return Article.objects.create(
        title=TITLE,
        slug="login-issues",
        category=category,
        status=Article.Status.PUBLISHED,
        summary="Why you cannot sign in to your account.",
        body="Intro.\n\n## Billing terminated\nUnpaid accounts are terminated at month end.\n\n"
        "## Account banned\nA ban is permanent and dedicated IPs are removed.",
    )


def listbox_for(page, selector):
    combobox = page.locator(selector)
    return combobox, page.locator("#" + combobox.get_attribute("aria-controls"))


def test_typing_in_the_header_search_shows_results(live_server, page, content):
    page.goto(live_server.url + "/contact/")  # the home page has the big box instead
    combobox, listbox = listbox_for(page, "#header-search")
    assert combobox.get_attribute("role") == "combobox"
    assert combobox.get_attribute("aria-autocomplete") == "list"
    assert combobox.get_attribute("aria-expanded") == "false"
    assert listbox.get_attribute("role") == "listbox"
    combobox.press_sequentially("acount")
    option = listbox.get_by_role("option").filter(has_text=TITLE).first
    option.wait_for(state="visible", timeout=2000)
    assert combobox.get_attribute("aria-expanded") == "true"
    assert "Account and Settings" in option.inner_text()
    live = page.locator("[aria-live='polite']")
    assert "result" in live.inner_text() and "available" in live.inner_text()


def test_arrow_down_and_enter_open_the_result(live_server, page, content):
    page.goto(live_server.url + "/")
    combobox, listbox = listbox_for(page, "#home-search")
    combobox.press_sequentially("acount")
    listbox.get_by_role("option").first.wait_for(state="visible", timeout=2000)
    combobox.press("ArrowDown")
    first = listbox.get_by_role("option").first
    assert combobox.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    combobox.press("Enter")
    page.wait_for_url("**/articles/login-issues/**")
    assert page.locator("h1").inner_text() == TITLE


def test_enter_without_an_active_option_submits_the_form(live_server, page, content):
    page.goto(live_server.url + "/")
    combobox, listbox = listbox_for(page, "#home-search")
    combobox.press_sequentially("acount")
    listbox.get_by_role("option").first.wait_for(state="visible", timeout=2000)
    combobox.press("Enter")
    page.wait_for_url("**/search/?**")


def test_clicking_an_option_opens_it(live_server, page, content):
    page.goto(live_server.url + "/search/")
    combobox, listbox = listbox_for(page, "#search-page")
    combobox.press_sequentially("acount")
    listbox.get_by_role("option").filter(has_text=TITLE).first.click(timeout=2000)
    page.wait_for_url("**/articles/login-issues/**")


def test_escape_closes_the_list_then_clears_the_input(live_server, page, content):
    page.goto(live_server.url + "/")
    combobox, listbox = listbox_for(page, "#home-search")
    combobox.press_sequentially("acount")
    listbox.get_by_role("option").first.wait_for(state="visible", timeout=2000)
    combobox.press("Escape")
    assert combobox.get_attribute("aria-expanded") == "false"
    assert listbox.is_hidden()
    assert combobox.input_value() == "acount"
    combobox.press("Escape")
    assert combobox.input_value() == ""


def test_one_character_and_no_match_show_no_list(live_server, page, content):
    page.goto(live_server.url + "/")
    combobox, listbox = listbox_for(page, "#home-search")
    combobox.press_sequentially("a")
    page.wait_for_timeout(500)
    assert combobox.get_attribute("aria-expanded") == "false"
    combobox.fill("")
    combobox.press_sequentially("zzqqxx")
    page.locator("[aria-live='polite']").filter(has_text="No results").wait_for(timeout=2000)
    assert combobox.get_attribute("aria-expanded") == "false"


def test_result_titles_are_shown_as_text(live_server, page, category):
    evil = "Account <img src=x onerror=alert(1)> help"
    Article.objects.create(
        title=evil,
        slug="account-help",
        category=category,
        status=Article.Status.PUBLISHED,
        summary="Account help.",
        body="All about your account.",
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + "/")
    combobox, listbox = listbox_for(page, "#home-search")
    combobox.press_sequentially("acount")
    option = listbox.get_by_role("option").filter(has_text="<img src=x onerror=alert(1)>").first
    option.wait_for(state="visible", timeout=2000)
    assert evil in option.inner_text()
    assert listbox.locator("img").count() == 0
    assert dialogs == []
