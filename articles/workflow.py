"""
The editorial workflow's writes: status changes, working copies, restoring a
version and purging. Each is a service (`<entity>_<action>(*, ...)`) that
checks the user's permission and the article's state, and saves through
`Article.save()`, so the rendered body, the sections, the search index and
the history (who, when, why) stay in step.

    draft --submit--> in review --approve--> published --archive--> archived
      ^                   |                      |                     |
      +---- back to draft +----------------------+---------------------+
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Article, ArticleRevision

Status = Article.Status
# How far "mark as reviewed" moves a review date that is due or overdue.
REVIEW_INTERVAL = timedelta(days=180)
REVIEW_SOON = timedelta(days=30)
EMPTY_BODY = "A published article cannot have an empty body: customers would see a blank page."


class WorkflowError(Exception):
    """A step that cannot be taken in the article's current state; the message says why."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str
    reason: str  # recorded in the history
    done: str  # "2 articles <done>."


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            "Submit for review",
            frozenset({Status.DRAFT}),
            Status.IN_REVIEW,
            "articles.change_article",
            "Submitted for review",
            "submitted for review",
        ),
        Transition(
            "approve",
            "Approve and publish",
            frozenset({Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED}),
            Status.PUBLISHED,
            "articles.publish_article",
            "Approved and published",
            "published",
        ),
        Transition(
            "to_draft",
            "Back to draft",
            frozenset({Status.IN_REVIEW, Status.PUBLISHED, Status.ARCHIVED}),
            Status.DRAFT,
            "articles.publish_article",
            "Moved back to draft",
            "moved back to draft",
        ),
        Transition(
            "archive",
            "Archive",
            frozenset({Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED}),
            Status.ARCHIVED,
            "articles.delete_article",
            "Archived",
            "archived",
        ),
    ]
}


def transitions_for(*, article: Article, user: AbstractUser) -> list[Transition]:
    """The steps this user may take from the article's current status, in order."""
    return [t for t in TRANSITIONS.values() if article.status in t.sources and user.has_perm(t.permission)]


def article_save(*, article: Article, user: AbstractUser | None, reason: str = "") -> Article:
    """Save, recording who did it and why in the article's history."""
    article._history_user = user if user is not None and user.is_authenticated else None
    article._change_reason = reason or None
    try:
        article.save()
    finally:
        del article._history_user, article._change_reason
    return article


def transition_apply(*, article: Article, name: str, user: AbstractUser) -> Transition:
    """
    Check a step and set its fields on `article` without saving (the admin's
    form saves them with the editor's other changes). Raises PermissionDenied
    or WorkflowError with a message for the editor.
    """
    transition = TRANSITIONS[name]
    if not user.has_perm(transition.permission):
        raise PermissionDenied(f"You may not {transition.label.lower()} articles.")
    if article.status not in transition.sources:
        raise WorkflowError(f"“{article}” is {article.get_status_display().lower()}: it cannot be {transition.done}.")
    now = timezone.now()
    if transition.target == Status.PUBLISHED:
        if not article.body.strip():
            raise WorkflowError(f"“{article}” has an empty body. {EMPTY_BODY}")
        article.approved_at, article.approved_by = now, user
        article.last_reviewed_at = now
    if transition.target == Status.IN_REVIEW:
        article.submitted_at, article.submitted_by = now, user
    article.status = transition.target
    return transition


def article_transition(*, article: Article, name: str, user: AbstractUser) -> Article:
    """Take one workflow step (submit, approve, to_draft, archive) and save it."""
    with transaction.atomic():
        transition = transition_apply(article=article, name=name, user=user)
        return article_save(article=article, user=user, reason=transition.reason)


def article_mark_reviewed(*, article: Article, user: AbstractUser) -> Article:
    """Record that the article was checked; a review date that is due moves REVIEW_INTERVAL ahead."""
    if not user.has_perm("articles.review_article"):
        raise PermissionDenied("You may not review articles.")
    today = timezone.localdate()
    article.last_reviewed_at = timezone.now()
    if article.review_by is not None and article.review_by <= today + REVIEW_SOON:
        article.review_by = today + REVIEW_INTERVAL
    return article_save(article=article, user=user, reason="Marked as reviewed")


def article_restore_version(*, article: Article, record, user: AbstractUser) -> Article | ArticleRevision:
    """
    Bring back a saved version's text (title, summary, body, tags, category) as
    a new version; nothing is overwritten. The status and address stay as they
    are. A published article is changed directly only by users who may
    publish; for others the old text opens in a working copy for review.
    """
    if not user.has_perm("articles.change_article"):
        raise PermissionDenied("You may not change articles.")
    if article.is_published and not user.has_perm("articles.publish_article"):
        revision, created = revision_start(article=article, user=user, source=record)
        if not created:
            raise WorkflowError(
                f"A working copy of “{article}” is already open (started by {revision.started_by or 'someone'}): "
                "finish or discard it first."
            )
        return revision
    if article.is_published and not record.body.strip():
        raise WorkflowError(EMPTY_BODY)
    for name in ("title", "summary", "body", "tags", "category_id"):
        setattr(article, name, getattr(record, name))
    when = timezone.localtime(record.history_date).strftime("%d %b %Y %H:%M")
    return article_save(article=article, user=user, reason=f"Restored version {record.version} ({when})")


def article_purge(*, article: Article, user: AbstractUser) -> None:
    """Delete an article for good, with its history and old addresses (superusers only)."""
    if not user.has_perm("articles.purge_article"):
        raise PermissionDenied("Only a superuser can delete an article for good.")
    with transaction.atomic():
        pk = article.pk
        article.delete()
        Article.history.filter(id=pk).delete()


# --- Working copies ---------------------------------------------------------------

CONTENT_FIELDS = ("title", "category_id", "summary", "body", "tags")


def revision_start(*, article: Article, user: AbstractUser, source=None) -> tuple[ArticleRevision, bool]:
    """
    The article's open working copy, or a new one copied from the live text
    (or from `source`, a saved version). Returns (copy, created). At most one
    is open per article: a database constraint decides between two editors
    who start one at the same moment.
    """
    if not user.has_perm("articles.change_article"):
        raise PermissionDenied("You may not change articles.")
    existing = article.revisions.filter(state=ArticleRevision.State.OPEN).select_related("started_by").first()
    if existing is not None:
        return existing, False
    origin = source if source is not None else article
    try:
        with transaction.atomic():
            revision = ArticleRevision.objects.create(
                article=article,
                base_version=article.version,
                started_by=user,
                **{name: getattr(origin, name) for name in CONTENT_FIELDS},
            )
    except IntegrityError:
        return article.revisions.select_related("started_by").get(state=ArticleRevision.State.OPEN), False
    return revision, True


def revision_approve(*, revision: ArticleRevision, user: AbstractUser) -> Article:
    """
    Put the working copy's text live in one transaction: the article is saved
    (re-rendered, re-indexed, a new version recorded) and the copy closed.
    Refused when the live article changed after the copy was started, so that
    change is not overwritten unseen (see `revision_rebase()`).
    """
    if not user.has_perm("articles.publish_article"):
        raise PermissionDenied("You may not approve and publish articles.")
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=revision.article_id)
        revision = ArticleRevision.objects.select_for_update().get(pk=revision.pk)
        if not revision.is_open:
            raise WorkflowError("This working copy was already approved or discarded.")
        if article.version != revision.base_version:
            raise WorkflowError(
                f"The live article changed after this working copy was started (version {revision.base_version}, "
                f"now {article.version}). Compare the two, then choose “Base on the live version” to approve."
            )
        if article.is_published and not revision.body.strip():
            raise WorkflowError(EMPTY_BODY)
        for name in CONTENT_FIELDS:
            setattr(article, name, getattr(revision, name))
        now = timezone.now()
        article.approved_at, article.approved_by, article.last_reviewed_at = now, user, now
        article_save(article=article, user=user, reason="Working copy approved")
        revision.state, revision.closed_by, revision.closed_at = ArticleRevision.State.APPROVED, user, now
        revision.base_version = article.version
        revision.save()
    return article


def revision_rebase(*, revision: ArticleRevision, user: AbstractUser) -> ArticleRevision:
    """Accept that the live article changed since the copy began (after comparing them)."""
    if not user.has_perm("articles.change_article"):
        raise PermissionDenied("You may not change articles.")
    revision.base_version = Article.objects.filter(pk=revision.article_id).values_list("version", flat=True).get()
    revision.save(update_fields=["base_version", "updated_at"])
    return revision


def revision_discard(*, revision: ArticleRevision, user: AbstractUser) -> ArticleRevision:
    """Close the working copy without changing the live article."""
    if not user.has_perm("articles.change_article"):
        raise PermissionDenied("You may not change articles.")
    if not revision.is_open:
        raise WorkflowError("This working copy was already approved or discarded.")
    revision.state, revision.closed_by, revision.closed_at = ArticleRevision.State.DISCARDED, user, timezone.now()
    revision.save()
    return revision
