"""
End-to-end journeys in a real headless Chromium, under the site's real
Content-Security-Policy: a customer who searches with a typo, reads the right
section, says it did not help and writes in; an editor who writes, previews,
publishes and finds an article.
"""

import pytest

from articles.models import Article, ArticleFeedback, Category, ContactRequest, HelpLink

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def help_center(db):
    delivery = Category.objects.create(name="Email delivery", slug="email-delivery", position=1)
    Category.objects.create(name="Billing", slug="billing", position=2)
    article = Article.objects.create(
        title="Fixing SMTP authentication errors",
        slug="fixing-smtp-authentication-errors",
        category=delivery,
        status=Article.Status.PUBLISHED,
        summary="What a 535 error means and how to fix it.",
        tags="smtp, 535",
        body=(
            "Your mail client talks to our SMTP server and the server refuses it.\n\n"
            "## Wrong username\nThe username is always the word apikey, not your email address.\n\n"
            "## Expired API key\nKeys that were revoked or expired are refused. Create a new key.\n\n"
            "## Blocked port\nSome networks block port 25; use 587 instead.\n"
        ),
    )
    Article.objects.create(
        title="Understanding bounces and blocks",
        slug="understanding-bounces",
        category=delivery,
        status=Article.Status.PUBLISHED,
        body="A bounce is a message that could not be delivered.\n\n## Hard bounces\nThe address does not exist.",
    )
    HelpLink.objects.create(label="Community forum", url="https://community.example.com/")
    return article


def test_a_customer_searches_with_a_typo_reads_the_right_section_and_contacts_support(live_server, page, help_center):
    # 1. From the home page, a search with two typos.
    page.goto(live_server.url + "/")
    box = page.locator("main input[name=q]")
    box.fill("expird api kee")
    box.press("Enter")
    page.wait_for_url("**/search/?q=expird+api+kee")
    assert "Showing results for" in page.locator(".notice").inner_text()
    first = page.locator(".result").first
    assert first.locator(".result__title").inner_text() == "Fixing SMTP authentication errors"
    assert "Section: Expired API key" in first.inner_text()

    # 2. The result opens the article at the section that answers.
    first.get_by_role("link", name="Fixing SMTP authentication errors").click()
    page.wait_for_url("**/articles/fixing-smtp-authentication-errors/#expired-api-key")
    assert page.locator("h1").inner_text() == "Fixing SMTP authentication errors"
    assert page.locator("#expired-api-key").is_visible()

    # 3. It did not help: the vote is recorded without a reload, and the way to support opens.
    feedback = page.locator("#feedback--article")
    feedback.get_by_role("button", name="No").click()
    feedback.locator("[data-feedback-on-no]").wait_for(state="visible")
    assert feedback.locator("[data-feedback-status]").inner_text().strip()  # the result is announced
    vote = ArticleFeedback.objects.get()
    assert vote.article_id == help_center.pk and vote.helpful is False
    assert page.url.endswith("#expired-api-key")  # still on the same page, no reload

    # 4. Still stuck: the contact form knows which article the customer read.
    feedback.get_by_role("link", name="Contact support about this article").click()
    page.wait_for_url("**/contact/?article=fixing-smtp-authentication-errors")
    assert "Fixing SMTP authentication errors" in page.locator(".notice").inner_text()
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Your email address").fill("ada@example.com")
    page.get_by_label("Subject").fill("New API key refused too")
    page.get_by_label("How can we help?").fill("I created a new key as the article says and still get 535.")
    # Articles that may answer it appear beside the form as the customer types; then it sends at once.
    page.locator("[data-suggestions]").wait_for(state="visible")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/contact/thanks/")
    assert page.locator("h1").inner_text() == "Thank you"

    stored = ContactRequest.objects.get()
    assert stored.article_id == help_center.pk
    assert (stored.name, stored.email) == ("Ada Lovelace", "ada@example.com")
    assert stored.subject == "New API key refused too"


def test_an_editor_writes_previews_publishes_and_finds_an_article(live_server, page, editor, help_center):
    # 1. Log in to the admin.
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("pw-editor-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")

    # 2. A new article, with the Markdown editor's live preview.
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator("input[name=title]").press_sequentially("Warming up a dedicated IP address")
    assert page.locator("input[name=slug]").input_value() == "warming-up-a-dedicated-ip-address"  # prefilled
    page.locator("select[name=category]").select_option(label="Email delivery")
    page.locator("input[name=summary]").fill("Send gradually more mail from a new IP so inbox providers trust it.")
    body = page.locator("textarea[name=body]")
    body.fill(
        "A new dedicated IP has no reputation yet.\n\n"
        "## Ramp-up schedule\nStart with 500 messages a day and double the volume every two days.\n\n"
        "## Throttled by providers\nSlow down when Gmail answers 421 deferrals.\n"
    )
    body.dispatch_event("input")
    preview = page.locator(".markdownx-preview")
    page.wait_for_selector(".markdownx-preview h2#ramp-up-schedule")
    assert "double the volume" in preview.inner_text()
    page.get_by_role("button", name="Save, approve and publish").click()
    page.wait_for_selector(".messagelist")

    article = Article.objects.get(slug="warming-up-a-dedicated-ip-address")
    assert article.is_live and [s.anchor for s in article.sections.all() if s.anchor] == [
        "ramp-up-schedule",
        "throttled-by-providers",
    ]

    # 3. Customers find it through search, at the right section.
    page.goto(live_server.url + "/search/?q=421+deferrals")
    first = page.locator(".result").first
    assert first.locator(".result__title").inner_text() == "Warming up a dedicated IP address"
    first.get_by_role("link", name="Warming up a dedicated IP address").click()
    page.wait_for_url("**/articles/warming-up-a-dedicated-ip-address/#throttled-by-providers")

    # ...and through the instant results of the search box.
    page.goto(live_server.url + "/")
    page.locator("main input[name=q]").fill("dedicated ip warm")
    page.wait_for_selector("[role=option]")
    assert "Warming up a dedicated IP address" in page.locator("[role=option]").first.inner_text()
