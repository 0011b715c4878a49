"""
A plausible week of customer activity for the demo help center, so that a
newcomer sees the support analytics working: article views, feedback votes,
searches (some finding nothing), contact-form visits with suggestions, and a
few contact requests. Seeded, so every demo site gets the same week. Recorded
only on a site with no activity of its own.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import (
    Article,
    ArticleFeedback,
    ArticleViewCount,
    ContactRequest,
    SearchLog,
    VisitEvent,
)
from .search import article_search
from .visits import new_key

DAYS = 7
# (query, results expected) — a few that the demo content does not answer.
QUERIES = [
    "reset password", "password reset", "cant log in", "two factor", "2fa lost phone", "invoice",
    "declined card", "spam folder", "bounce", "api key", "smtp 535", "dedicated ip warm up",
    "single sign on", "sso", "saml", "delete my account", "close account", "change company address",
    "export contacts",
]  # fmt: skip
REQUESTS = [
    ("Locked out after changing phones", "My authenticator app was on my old phone and I cannot sign in."),
    ("Charged twice this month", "My card shows two charges for the same invoice."),
    ("How do I set up SSO?", "We want our team to sign in with our identity provider."),
    ("Emails still going to spam", "I followed the article but Gmail still puts our mail in spam."),
]


def demo_activity_absent() -> bool:
    return not (ArticleViewCount.objects.exists() or ArticleFeedback.objects.exists() or VisitEvent.objects.exists())


def _backdate(objects, field: str, times) -> None:
    for obj, moment in zip(objects, times, strict=True):
        setattr(obj, field, moment)
    if objects:
        type(objects[0]).objects.bulk_update(objects, [field])


def demo_activity_create(*, seed: int = 8) -> bool:
    """Record the demo week unless the site already has activity; returns whether it was recorded."""
    articles = list(Article.objects.published().prefetch_related("sections").order_by("pk"))
    if not articles or not demo_activity_absent():
        return False
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()

    def moment():
        return now - timedelta(seconds=rng.randint(60, DAYS * 86400))

    with transaction.atomic():
        popularity = {article.pk: rng.randint(15, 120) for article in articles}
        ArticleViewCount.objects.bulk_create(
            ArticleViewCount(
                article=article, date=today - timedelta(days=back), views=popularity[article.pk] + rng.randint(-10, 25)
            )
            for article in articles
            for back in range(DAYS)
        )

        votes, vote_times = [], []
        for article in articles:
            helpful_share = rng.uniform(0.45, 0.95)
            sections = [s.anchor for s in article.sections.all() if s.level == 2 and s.anchor]
            for _ in range(rng.randint(4, 18)):
                helpful = rng.random() < helpful_share
                reason = "" if helpful else rng.choice([c for c, _ in ArticleFeedback.Reason.choices])
                votes.append(ArticleFeedback(article=article, visitor_key=new_key(), helpful=helpful, reason=reason))
                vote_times.append(moment())
                if sections and rng.random() < 0.7:
                    # The first causes in a troubleshooting article are the common ones.
                    anchor = sections[min(len(sections) - 1, int(rng.expovariate(1.2)))]
                    votes.append(
                        ArticleFeedback(
                            article=article,
                            section_anchor=anchor,
                            visitor_key=new_key(),
                            helpful=rng.random() < 0.7,
                        )
                    )
                    vote_times.append(moment())
        votes = ArticleFeedback.objects.bulk_create(votes)
        _backdate(votes, "updated_at", vote_times)
        _backdate(votes, "created_at", vote_times)

        found = {query: article_search(query, limit=1) for query in QUERIES}
        logs, log_times, events, event_times = [], [], [], []
        for _ in range(160):
            query = rng.choice(QUERIES)
            page = found[query]
            when = moment()
            opened = page.results[0].article_id if page.results and rng.random() < 0.75 else None
            if query in ("sso", "single sign on", "export contacts"):
                opened = None  # results that do not answer it
            logs.append(
                SearchLog(
                    query=query,
                    result_count=page.total,
                    clicked_article_id=opened,
                    clicked_at=when if opened else None,
                )
            )
            log_times.append(when)
            events.append(VisitEvent(visit_key=new_key(), kind=VisitEvent.Kind.SEARCH, query=query))
            event_times.append(when)
        # Contact-form visits: suggestions shown; some open one; some of those write in anyway.
        for _ in range(45):
            visit, when = new_key(), moment()
            events.append(VisitEvent(visit_key=visit, kind=VisitEvent.Kind.SUGGESTIONS_SHOWN))
            event_times.append(when)
            if rng.random() < 0.45:
                events.append(
                    VisitEvent(visit_key=visit, kind=VisitEvent.Kind.SUGGESTION_OPENED, article=rng.choice(articles))
                )
                event_times.append(when + timedelta(seconds=20))
                if rng.random() < 0.35:
                    events.append(VisitEvent(visit_key=visit, kind=VisitEvent.Kind.REQUEST_SENT))
                    event_times.append(when + timedelta(minutes=4))
            elif rng.random() < 0.6:
                events.append(VisitEvent(visit_key=visit, kind=VisitEvent.Kind.REQUEST_SENT))
                event_times.append(when + timedelta(minutes=3))
        _backdate(SearchLog.objects.bulk_create(logs), "created_at", log_times)
        _backdate(VisitEvent.objects.bulk_create(events), "created_at", event_times)

        fields = {f.name for f in ContactRequest._meta.get_fields()}
        for subject, message in REQUESTS:
            request = ContactRequest.objects.create(
                name="Demo customer",
                email="demo.customer@example.com",
                subject=subject,
                message=message,
                article=rng.choice(articles),
            )
            received = moment()
            changes = {"created_at": received}
            if "notified_at" in fields:
                changes["notified_at"] = received  # demo requests are never emailed
            if "first_worked_at" in fields:
                changes["first_worked_at"] = received + timedelta(minutes=rng.randint(12, 240))
            ContactRequest.objects.filter(pk=request.pk).update(**changes)
    return True
