"""
In a real browser, under the site's real Content-Security-Policy: a corpus of
XSS payloads sent through article Markdown, search (page, API and instant
results), the contact form and error pages never runs, and nothing even tries
to (no CSP violation is reported); the admin and its Markdown editor work
under the policy.

A payload that ran would set `window.__xss`, open a dialog, or both; the test
also looks at the live DOM for event-handler attributes, javascript: links and
inline scripts rather than only at the response text.
"""

from dataclasses import dataclass, field

import pytest

from articles.models import Article, Category, ContactRequest

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUN = "window.__xss=1;alert(document.domain)"
PAYLOADS = [
    f"<script>{RUN}</script>",
    f'"><script>{RUN}</script>',
    f"'><img src=x onerror=\"{RUN}\">",
    f'<svg onload="{RUN}"></svg>',
    f'<iframe src="javascript:{RUN}"></iframe>',
    f'<a href="javascript:{RUN}">a link</a>',
    f'<details open ontoggle="{RUN}">x</details>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{RUN}">',
    f"</textarea><script>{RUN}</script>",
    f"</title><script>{RUN}</script>",
    f'<input autofocus onfocus="{RUN}">',
    f'<object data="data:text/html,<script>{RUN}</script>"></object>',
    f"[click me](javascript:{RUN})",
    f'![x](x" onerror="{RUN})',
    f"javascript:/*--></title></style></textarea></script><svg/onload={RUN}>",
    f'{{{{7*7}}}}<img src=x onerror="{RUN}">',
]


@dataclass
class Watched:
    """A page whose dialogs and CSP reports are recorded across navigations."""

    page: object
    dialogs: list = field(default_factory=list)
    csp_reports: list = field(default_factory=list)

    def goto(self, url):
        response = self.page.goto(url)
        self.assert_nothing_ran(url)
        return response

    def assert_nothing_ran(self, where=""):
        page = self.page
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") == 0, f"a payload ran on {where}"
        assert self.dialogs == [], f"a payload opened a dialog on {where}"
        assert self.csp_reports == [], f"something tried to run against the CSP on {where}"
        live = page.evaluate(
            """() => {
              const found = [];
              for (const el of document.querySelectorAll('*')) {
                for (const attr of el.attributes) {
                  if (/^on/i.test(attr.name)) found.push(el.tagName + ' ' + attr.name);
                  if (/^\\s*(javascript|data):/i.test(attr.value) && /^(href|src|data|action)$/i.test(attr.name))
                    found.push(el.tagName + ' ' + attr.name + '=' + attr.value.slice(0, 20));
                }
              }
              for (const script of document.scripts) {
                if (!script.src && script.type !== 'application/ld+json') found.push('inline script');
              }
              // Tags the sanitizer never lets through, where an editor's or a visitor's text is shown.
              const shown = ['main h1', '.prose', '.markdownx-preview', '.results', '.error-summary', '.field'];
              for (const tag of ['iframe', 'object', 'embed', 'svg', 'math', 'details', 'style', 'input[autofocus]']) {
                for (const where of shown) {
                  if (document.querySelector(where + ' ' + tag)) found.push('injected ' + tag + ' in ' + where);
                }
              }
              return found;
            }"""
        )
        assert live == [], f"live markup an attacker controls on {where}: {live}"


@pytest.fixture
def watched(browser):
    context = browser.new_context()
    context.add_init_script("window.__xss = 0;")
    page = context.new_page()
    page.set_default_timeout(5000)
    watch = Watched(page)

    def on_dialog(dialog):
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message):
        if "Content Security Policy" in message.text:
            watch.csp_reports.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    yield watch
    context.close()


@pytest.fixture
def hostile_site(db, settings):
    settings.KB_RATE_LIMITS = False
    category = Category.objects.create(name="Security <b>tests</b>", slug="security-tests")
    article = Article.objects.create(
        title=f"Payloads {PAYLOADS[0]} in a title",
        slug="payloads",
        category=category,
        status=Article.Status.PUBLISHED,
        summary=PAYLOADS[2],
        tags="payload, xss",
        body="Every payload below is text an editor typed.\n\n"
        + "\n\n".join(f"## Payload {n}\n{payload}" for n, payload in enumerate(PAYLOADS, 1)),
    )
    return article


def test_payloads_in_article_markdown_never_run(live_server, watched, hostile_site):
    watched.goto(live_server.url + hostile_site.get_absolute_url())
    assert watched.page.locator("h1").inner_text().startswith("Payloads <script>")  # shown as text
    # The JSON-LD block is data: present, and no CSP report about it (checked by goto()).
    assert watched.page.locator('script[type="application/ld+json"]').count() == 1
    watched.goto(live_server.url + hostile_site.category.get_absolute_url())
    watched.goto(live_server.url + "/")


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_payloads_in_a_search_never_run(live_server, watched, hostile_site, index):
    payload = PAYLOADS[index]
    page = watched.page
    watched.goto(live_server.url + "/search/")
    page.locator("main input[name=q]").fill(payload)
    page.locator("main input[name=q]").press("Enter")
    page.wait_for_url("**/search/?q=*")
    watched.assert_nothing_ran(f"the search page for payload {index}")
    assert payload in page.locator("h1").inner_text()  # the query is echoed, as text
    api = page.request.get(live_server.url + "/api/search/", params={"q": payload})
    assert api.status in (200, 400) and api.headers["content-type"] == "application/json"
    watched.goto(live_server.url + "/no-such-page/?q=" + payload.replace("#", "%23").replace("&", "%26"))


def test_payloads_in_instant_results_never_run(live_server, watched, hostile_site):
    page = watched.page
    watched.goto(live_server.url + "/")
    page.locator("main input[name=q]").fill("payloads title")
    page.wait_for_selector("[role=option]")
    option = page.locator("[role=option]").first.inner_text()
    assert "<script>" in option  # the title arrived as text, not markup
    page.keyboard.press("ArrowDown")
    watched.assert_nothing_ran("the instant results")


def test_payloads_echoed_back_by_the_contact_form_never_run(live_server, watched, hostile_site):
    page = watched.page
    for payload in PAYLOADS:
        watched.goto(live_server.url + "/contact/?article=" + hostile_site.slug)
        page.get_by_label("Your name").fill(payload[:100])
        page.get_by_label("Your email address").fill(payload[:100])  # not an email: the form comes back
        page.get_by_label("Subject").fill(payload[:200])
        page.get_by_label("How can we help?").fill(payload)
        page.get_by_role("button", name="Send message").click()
        page.wait_for_selector(".error-summary")
        watched.assert_nothing_ran(f"the contact form with {payload[:30]}")
        assert page.get_by_label("How can we help?").input_value() == payload  # kept, as text
    assert ContactRequest.objects.count() == 0


def test_a_stored_contact_request_with_payloads_is_safe_in_the_admin(live_server, watched, hostile_site, superuser):
    ContactRequest.objects.create(
        name=PAYLOADS[0][:100], email="ada@example.com", subject=PAYLOADS[2][:200], message="\n".join(PAYLOADS)
    )
    log_in(watched.page, live_server, "admin", "pw-admin-123")
    request = ContactRequest.objects.get()
    watched.goto(f"{live_server.url}/admin/articles/contactrequest/")
    watched.goto(f"{live_server.url}/admin/articles/contactrequest/{request.pk}/change/")


# --- The admin under the policy -------------------------------------------------------------


def log_in(page, live_server, username, password):
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")


def test_the_admin_and_its_markdown_editor_work_under_the_policy(live_server, watched, hostile_site, superuser):
    page = watched.page
    log_in(page, live_server, "admin", "pw-admin-123")
    for path in [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{hostile_site.pk}/change/",
        "/admin/articles/category/",
        "/admin/articles/helplink/",
        "/admin/articles/contactrequest/",
        "/admin/articles/searchlog/",
        "/admin/articles/synonymgroup/add/",
        "/admin/auth/user/",
    ]:
        watched.goto(live_server.url + path)
    watched.goto(live_server.url + "/admin/articles/article/add/")
    body = page.locator("textarea[name=body]")
    body.fill("Intro.\n\n## Preview works\nUnder the policy.\n\n" + "\n\n".join(PAYLOADS))
    body.dispatch_event("input")
    page.wait_for_selector(".markdownx-preview h2#preview-works")
    watched.assert_nothing_ran("the live preview")
    assert "Under the policy." in page.locator(".markdownx-preview").inner_text()


def test_the_watch_notices_an_inline_script_and_the_policy_blocks_it(live_server, watched, hostile_site):
    watched.goto(live_server.url + "/")
    watched.page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__xss=1'; document.body.append(s); }"
    )
    watched.page.wait_for_timeout(100)
    assert watched.page.evaluate("window.__xss") == 0  # blocked by the policy
    assert any("script-src" in report for report in watched.csp_reports)
