"""
WCAG 2.2 AA in a real browser: axe-core on every kind of public page at desktop
and mobile widths and in the dark scheme, keyboard use with a visible focus, the
skip link, help in the same place on every page, print and no-JavaScript use.

axe-core comes from the npm registry, pinned in tests/axe/package-lock.json and
installed by `make test` (`npm ci`); nothing is downloaded while tests run.
"""

import os
from pathlib import Path

import pytest

from articles.models import Article, Category, HelpLink

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 740}
# Every WCAG 2.0, 2.1 and 2.2 A/AA rule, plus axe's best practices (landmarks, headings).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

CODE_BODY = (
    "When sending fails, the server answers with a code.\n\n"
    "## Authentication failed (535)\n"
    "Check the credentials your client sends:\n\n"
    "```\n"
    "535 5.7.8 Authentication failed: the username and password did not match any account on smtp.example.com "
    "for the connection from 203.0.113.7 using AUTH LOGIN\n"
    "```\n\n"
    "| Port | Encryption | When to use it |\n| --- | --- | --- |\n"
    "| 587 | STARTTLS | Almost always: the submission port most providers and clients expect today |\n"
    "| 465 | Implicit TLS | When your client cannot upgrade the connection |\n\n"
    "### Still failing\nCreate a new API key and use it as the password.\n"
)


@pytest.fixture
def axe_source():
    if not AXE.exists():
        if os.environ.get("KB_REQUIRE_SERVICES"):
            pytest.fail(f"axe-core is required here but missing at {AXE} (make test installs it with npm ci)")
        pytest.skip("axe-core is not installed: run `make test` with npm available (npm ci in tests/axe)")
    return AXE


@pytest.fixture
def site(db):
    category = Category.objects.create(
        name="Email delivery", slug="email-delivery", description="Sending, bounces and spam."
    )
    article = Article.objects.create(
        title="Fixing SMTP authentication errors",
        slug="fixing-smtp-authentication-errors",
        category=category,
        status=Article.Status.PUBLISHED,
        summary="What a 535 error means and how to fix it.",
        promoted=True,
        body=CODE_BODY,
    )
    Article.objects.create(
        title="Understanding bounces and blocks",
        slug="understanding-bounces",
        category=category,
        status=Article.Status.PUBLISHED,
        body="A bounce is a message that could not be delivered.\n\n## Hard bounces\nThe address does not exist.",
    )
    HelpLink.objects.create(label="Reset your password", url="https://app.example.com/reset", article=article)
    HelpLink.objects.create(label="Community forum", url="https://community.example.com/")
    return article


PAGES = {
    "home": "/",
    "category": "/categories/email-delivery/",
    "article with code and a table": "/articles/fixing-smtp-authentication-errors/",
    "search with results": "/search/?q=authentication",
    "search without results": "/search/?q=xylophone",
    "empty search": "/search/",
    "contact": "/contact/?article=fixing-smtp-authentication-errors",
    "thank-you": "/contact/thanks/",
    "not found": "/no-such-page/",
}


def axe_violations(page) -> list[str]:
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def open_with_axe(browser, axe_source, url, **context_options):
    context = browser.new_context(**context_options)
    context.add_init_script(path=str(axe_source))  # injected by the browser, so the page's CSP allows it
    page = context.new_page()
    page.set_default_timeout(5000)
    page.goto(url)
    return context, page


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(live_server, browser, axe_source, site, name, viewport):
    context, page = open_with_axe(browser, axe_source, live_server.url + PAGES[name], viewport=viewport)
    try:
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("name", ["home", "article with code and a table", "search with results", "contact"])
def test_axe_finds_no_violation_in_the_dark_scheme(live_server, browser, axe_source, site, name):
    context, page = open_with_axe(browser, axe_source, live_server.url + PAGES[name], color_scheme="dark")
    try:
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(15, 20, 25)"  # the dark palette is really in use
        assert axe_violations(page) == []
    finally:
        context.close()


def test_axe_finds_no_violation_on_a_contact_form_with_errors(live_server, browser, axe_source, site):
    context, page = open_with_axe(browser, axe_source, live_server.url + "/contact/")
    try:
        page.get_by_label("Your email address").fill("not-an-email")
        page.get_by_role("button", name="Send message").click()
        page.wait_for_selector(".error-summary")
        assert axe_violations(page) == []
    finally:
        context.close()


def test_axe_reports_a_real_violation_so_a_clean_run_means_something(live_server, browser, axe_source, site):
    context, page = open_with_axe(browser, axe_source, live_server.url + "/")
    try:
        page.evaluate("document.querySelector('main h1').style.color = '#eeeeee'")
        assert any(v.startswith("color-contrast") for v in axe_violations(page))
    finally:
        context.close()


# --- Keyboard -----------------------------------------------------------------------------


def test_the_skip_link_comes_first_shows_on_focus_and_moves_to_the_content(live_server, page, site):
    page.goto(live_server.url + PAGES["article with code and a table"])
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_every_control_reached_by_tab_shows_a_visible_focus_indicator(live_server, page, site):
    page.goto(live_server.url + PAGES["article with code and a table"])
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const el = document.activeElement;
              const style = getComputedStyle(el);
              return {tag: el.tagName, text: (el.textContent || el.name || '').trim().slice(0, 30),
                      outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
            }"""
        )
        if focused["tag"] == "BODY":
            break
        seen.append(focused)
    assert len(seen) > 10, "the page has many keyboard stops"
    assert [f for f in seen if not f["outline"]] == []
    texts = [f["text"] for f in seen]
    assert "Contact support" in texts and "Search" in texts


def test_instant_results_work_with_the_keyboard_alone(live_server, page, site):
    page.goto(live_server.url + "/")
    box = page.locator("main input[name=q]")
    box.focus()
    page.keyboard.type("smtp authentication")
    page.wait_for_selector("[role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/articles/fixing-smtp-authentication-errors/**")


# --- Help in the same place (WCAG 2.2, 3.2.6 Consistent Help) --------------------------------


def test_the_way_to_support_sits_in_the_same_place_on_every_page(live_server, page, site):
    for name, url in PAGES.items():
        page.goto(live_server.url + url)
        header_link = page.locator("header.site-header nav a", has_text="Contact support")
        footer = page.locator("footer.site-footer")
        assert header_link.count() == 1, name
        assert "Still need help?" in footer.inner_text(), name
        assert footer.locator("a[href='/contact/']").count() == 1, name
        # Same relative order everywhere: header link, then the page, then the footer block.
        order = page.evaluate(
            """() => {
              const nav = document.querySelector('header.site-header nav');
              const main = document.querySelector('main');
              const foot = document.querySelector('footer.site-footer');
              const follows = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
              return follows(nav, main) && follows(main, foot);
            }"""
        )
        assert order, name


# --- Dark scheme and print --------------------------------------------------------------------


def test_dark_scheme_follows_the_system_setting(live_server, browser, site):
    for scheme, background in [("light", "rgb(255, 255, 255)"), ("dark", "rgb(15, 20, 25)")]:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
        context.close()


def test_printing_an_article_keeps_the_text_and_drops_the_site_chrome(live_server, page, site):
    page.goto(live_server.url + PAGES["article with code and a table"])
    page.emulate_media(media="print", color_scheme="dark")
    hidden = ["header.site-header", "footer.site-footer", ".need-help", ".toc", ".breadcrumbs"]
    for selector in hidden:
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("h1").is_visible() and page.locator(".prose pre").is_visible()
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    link_after = page.evaluate(
        "getComputedStyle(document.querySelector('.link-list a[href^=http]'), '::after').content"
    )
    assert "https://app.example.com/reset" in link_after


# --- Without JavaScript -----------------------------------------------------------------------


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page
    context.close()


def test_every_page_works_without_javascript(live_server, no_js_page, site):
    page = no_js_page
    for name, url in PAGES.items():
        response = page.goto(live_server.url + url)
        assert response.status == (404 if name == "not found" else 200), name
        assert page.locator("h1").count() == 1, name
    page.goto(live_server.url + "/")
    page.locator("main input[name=q]").fill("smtp authentication")
    page.locator("main input[name=q]").press("Enter")
    page.wait_for_url("**/search/?q=smtp+authentication")
    assert page.locator("[role=listbox]").count() == 0  # no instant results without JavaScript
    page.get_by_role("link", name="Fixing SMTP authentication errors").first.click()
    page.wait_for_url("**/articles/fixing-smtp-authentication-errors/**")
    page.locator("a[href='/contact/?article=fixing-smtp-authentication-errors']").first.click()
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Your email address").fill("ada@example.com")
    page.get_by_label("Subject").fill("Still 535")
    page.get_by_label("How can we help?").fill("The new key does not work either.")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/contact/thanks/")
