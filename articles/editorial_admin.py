"""
The article admin's editorial workflow: workflow buttons and actions, review
dates, conflict detection, previews, versions (compare, restore), working
copies, archive-instead-of-delete and purge. `ArticleAdmin` (admin.py) mixes
in `ArticleWorkflowAdminMixin`; the writes are services in workflow.py.
"""

from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import ngettext
from markdownx.admin import MarkdownxModelAdmin

from . import selectors
from .admin_links import ArticleBodyWarningsMixin
from .history import article_versions, version_diff
from .markdown import render_markdown
from .models import Article, ArticleDueForReview, ArticleRevision
from .workflow import (
    REVIEW_SOON,
    TRANSITIONS,
    WorkflowError,
    article_mark_reviewed,
    article_purge,
    article_restore_version,
    article_save,
    article_transition,
    revision_approve,
    revision_discard,
    revision_rebase,
    revision_start,
    transition_apply,
    transitions_for,
)

STATUS_PHRASES = {
    Article.Status.DRAFT: "a draft",
    Article.Status.IN_REVIEW: "in review",
    Article.Status.PUBLISHED: "published",
    Article.Status.ARCHIVED: "archived",
}
# Buttons under the article form, saving the form and taking the step; archiving is the Delete link.
FORM_TRANSITIONS = {
    "submit": "Save and submit for review",
    "approve": "Save, approve and publish",
    "to_draft": "Save and move back to draft",
}
CONFLICT_MESSAGE = (
    "Someone else saved this article while you were editing it (version {loaded}, now {current}, by {who}). "
    "Your changes are not saved yet; what they would change in the saved version is shown above. "
    "Save again to replace their version with yours, or reload the page to start from theirs."
)


def _conflict(loaded: int, current, yours) -> tuple[str, list]:
    """The message and the diff an editor sees when the article changed under them."""
    last = current.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    who = (last.history_user if last else None) or "another editor"
    return CONFLICT_MESSAGE.format(loaded=loaded, current=current.version, who=who), version_diff(current, yours)


class ArticleAdminForm(forms.ModelForm):
    """The article form, carrying the version it was loaded from (a hidden field)."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    request = None  # set by ArticleWorkflowAdminMixin.get_form()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        self.conflict_diff = None
        self.transition_name = None

    def clean(self):
        cleaned = super().clean()
        self._check_conflict(cleaned)
        self._check_transition(cleaned)
        return cleaned

    def _check_conflict(self, cleaned):
        loaded = cleaned.get("loaded_version")
        if not self.instance.pk or loaded is None:
            return
        # Locked until the admin's transaction ends, so two saves cannot both pass this check.
        current = Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        if current is None or current.version == loaded:
            return
        yours = SimpleNamespace(
            **{name: getattr(current, name) for name in ("title", "summary", "tags", "status", "category_id", "body")}
        )
        for name in ("title", "summary", "tags", "body"):
            if name in cleaned:
                setattr(yours, name, cleaned[name])
        if cleaned.get("category") is not None:
            yours.category_id = cleaned["category"].pk
        message, self.conflict_diff = _conflict(loaded, current, yours)
        # Shown with the diff; saving again (having seen it) is a deliberate choice.
        self.data = self.data.copy()
        self.data["loaded_version"] = current.version
        raise forms.ValidationError(message, code="conflict")

    def _check_transition(self, cleaned):
        name = self.request.POST.get("_transition") if self.request is not None else None
        if not name:
            return
        if name not in FORM_TRANSITIONS:
            raise forms.ValidationError("Unknown workflow step.")
        probe = Article(status=self.instance.status, title=cleaned.get("title") or str(self.instance))
        probe.body = cleaned.get("body", self.instance.body) or ""
        try:
            transition_apply(article=probe, name=name, user=self.request.user)
        except (WorkflowError, PermissionDenied) as error:
            raise forms.ValidationError(str(error)) from error
        self.transition_name = name


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("soon", f"Due within {REVIEW_SOON.days} days"),
            ("due", "Overdue or due soon"),
            ("none", "No review date"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        soon = today + REVIEW_SOON
        if self.value() == "overdue":
            return queryset.filter(review_by__lt=today)
        if self.value() == "soon":
            return queryset.filter(review_by__gte=today, review_by__lte=soon)
        if self.value() == "due":
            return queryset.filter(review_by__lte=soon)
        if self.value() == "none":
            return queryset.filter(review_by__isnull=True)
        return queryset


def _transition_action(name: str, description: str, permission: str):
    def action(modeladmin, request, queryset):
        modeladmin.run_transition(request, queryset, name)

    action.__name__ = name
    return admin.action(description=description, permissions=[permission])(action)


class ArticleWorkflowAdminMixin:
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    delete_confirmation_template = "admin/articles/article/archive_confirmation.html"
    autocomplete_fields = ["replaced_by"]
    workflow_readonly_fields = ["status", "submitted_info", "approved_info", "last_reviewed_at", "version"]

    class Media:
        css = {"all": ["css/editorial-admin.css"]}

    # --- Permissions named by actions ------------------------------------------------

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm("articles.publish_article")

    def has_review_permission(self, request, obj=None):
        return request.user.has_perm("articles.review_article")

    def has_submit_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_article")

    def has_purge_permission(self, request, obj=None):
        return request.user.has_perm("articles.purge_article")

    # --- List ------------------------------------------------------------------------

    def get_queryset(self, request):
        open_copy = ArticleRevision.objects.filter(article=OuterRef("pk"), state=ArticleRevision.State.OPEN)
        return (
            super()
            .get_queryset(request)
            .annotate(working_copy_by=Subquery(open_copy.values("started_by__username")[:1]))
            .annotate(working_copy_id=Subquery(open_copy.values("pk")[:1]))
        )

    @admin.display(description="status", ordering="status")
    def workflow_status(self, article):
        if article.is_scheduled:
            return format_html(
                "Scheduled <small>{}</small>", timezone.localtime(article.publish_at).strftime("%d %b %Y %H:%M")
            )
        return article.get_status_display()

    @admin.display(description="review by", ordering="review_by")
    def review_due(self, article):
        if article.review_by is None:
            return "-"
        if article.review_by < timezone.localdate():
            return format_html('<strong class="review-overdue">{} (overdue)</strong>', article.review_by)
        return article.review_by

    @admin.display(description="working copy")
    def working_copy(self, article):
        if not getattr(article, "working_copy_id", None):
            return "-"
        url = reverse("admin:articles_articlerevision_change", args=[article.working_copy_id])
        return format_html('<a href="{}">open, by {}</a>', url, article.working_copy_by or "someone")

    @admin.display(description="submitted for review")
    def submitted_info(self, article):
        return _who_when(article.submitted_by, article.submitted_at)

    @admin.display(description="approved")
    def approved_info(self, article):
        return _who_when(article.approved_by, article.approved_at)

    # --- Actions -----------------------------------------------------------------------

    submit_for_review = _transition_action("submit", "Submit selected articles for review", "submit")
    publish = _transition_action("approve", "Approve and publish selected articles", "publish")
    unpublish = _transition_action("to_draft", "Move selected articles back to draft", "publish")
    archive = _transition_action("archive", "Archive selected articles", "delete")

    @admin.action(description="Mark selected articles as reviewed", permissions=["review"])
    def mark_reviewed(self, request, queryset):
        count = 0
        with transaction.atomic():
            for article in queryset:
                article_mark_reviewed(article=article, user=request.user)
                self.log_change(request, article, "Marked as reviewed")
                count += 1
        self.message_user(
            request, ngettext("%d article marked as reviewed.", "%d articles marked as reviewed.", count) % count
        )

    def run_transition(self, request, queryset, name):
        """One workflow step for each selected article that can take it; says what happened."""
        transition = TRANSITIONS[name]
        done, already, refused = 0, 0, []
        with transaction.atomic():
            for article in queryset:
                if article.status == transition.target:
                    already += 1
                    continue
                try:
                    article_transition(article=article, name=name, user=request.user)
                except (WorkflowError, PermissionDenied) as error:
                    refused.append(str(error))
                    continue
                self.log_change(request, article, transition.reason)
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d article %(done)s.", "%(count)d articles %(done)s.", done)
                % {"count": done, "done": transition.done},
                messages.SUCCESS,
            )
        if already:
            self.message_user(
                request,
                ngettext(
                    "%(count)d article was already %(state)s.", "%(count)d articles were already %(state)s.", already
                )
                % {"count": already, "state": STATUS_PHRASES[transition.target]},
                messages.INFO,
            )
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "Archive selected articles" is the delete
        return actions

    # --- Form --------------------------------------------------------------------------

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.workflow_readonly_fields]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # The hidden version field travels with the form (see ArticleAdminForm).
        first_name, first = fieldsets[0]
        return [(first_name, {**first, "fields": [*first["fields"], "loaded_version"]}), *fieldsets[1:]]

    def save_model(self, request, obj, form, change):
        reason = "Changed" if change else "Created"
        name = getattr(form, "transition_name", None)
        if name:
            transition = transition_apply(article=obj, name=name, user=request.user)
            reason = transition.reason
            self.message_user(request, f"“{obj}”: {transition.reason.lower()}.", messages.SUCCESS)
        article_save(article=obj, user=request.user, reason=reason)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id) if object_id else None
        user = request.user
        if obj is not None:
            extra_context.update(
                {
                    "open_working_copy": obj.revisions.filter(state=ArticleRevision.State.OPEN)
                    .select_related("started_by")
                    .first(),
                    "version_count": obj.history.count(),
                    "can_purge": self.has_purge_permission(request, obj),
                    "can_start_working_copy": obj.is_published and user.has_perm("articles.change_article"),
                }
            )
        probe = obj or Article(status=Article.Status.DRAFT)
        if self.has_change_permission(request, obj) if obj else self.has_add_permission(request):
            extra_context["workflow_buttons"] = [
                (t.name, FORM_TRANSITIONS[t.name])
                for t in transitions_for(article=probe, user=user)
                if t.name in FORM_TRANSITIONS
            ]
        return super().changeform_view(request, object_id, form_url, extra_context)

    # --- Delete means archive; purge is separate ----------------------------------------

    def get_deleted_objects(self, objs, request):
        # Nothing is deleted: the article is archived and keeps its links and history.
        return [str(obj) for obj in objs], {}, set(), []

    def delete_model(self, request, obj):
        if obj.status != Article.Status.ARCHIVED:
            article_transition(article=obj, name="archive", user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def log_deletions(self, request, queryset):
        return LogEntry.objects.log_actions(request.user.pk, list(queryset), CHANGE, "Archived")

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(request, f"“{obj_display}” was archived. Its address now answers “no longer available”.")
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

    # --- Extra pages ---------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        extra = [
            path("<path:object_id>/preview/", wrap(self.preview_view), name="articles_article_preview"),
            path("<path:object_id>/versions/", wrap(self.versions_view), name="articles_article_versions"),
            path(
                "<path:object_id>/versions/<int:history_id>/restore/",
                wrap(self.restore_view),
                name="articles_article_restore",
            ),
            path("<path:object_id>/working-copy/", wrap(self.working_copy_view), name="articles_article_working_copy"),
            path("<path:object_id>/purge/", wrap(self.purge_view), name="articles_article_purge"),
        ]
        return extra + super().get_urls()

    def _article_or_403(self, request, object_id, *, change=False):
        article = get_object_or_404(Article.objects.select_related("category"), pk=object_id)
        allowed = (
            self.has_change_permission(request, article) if change else self.has_view_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _page(self, request, template, title, article, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "original": article,
                **context,
            },
        )

    def preview_view(self, request, object_id):
        """The article (or its working copy, ?working_copy=<id>) exactly as customers will see it."""
        article = self._article_or_403(request, object_id)
        copy_id = request.GET.get("working_copy", "")
        if copy_id.isdigit():
            revision = get_object_or_404(ArticleRevision, pk=copy_id, article=article)
            article = _as_approved(article, revision)
            context = selectors.article_page(article)
            context["toc"] = [s for s in article.rendered_sections if s.level in (2, 3)]
        else:
            context = selectors.article_page(article)
        response = TemplateResponse(request, "articles/article.html", {**context, "preview": True})
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response

    def versions_view(self, request, object_id):
        """Every saved version, with a diff between any two (?a=<id>&b=<id>, or each with the one before)."""
        article = self._article_or_403(request, object_id)
        versions = list(article_versions(article))
        by_id = {v.history_id: v for v in versions}
        older = by_id.get(_int(request.GET.get("a")))
        newer = by_id.get(_int(request.GET.get("b")))
        if older is None and newer is None and len(versions) > 1:
            newer, older = versions[0], versions[1]
        elif newer is None:
            newer = versions[0] if versions else None
        if older is not None and newer is not None and older.history_date > newer.history_date:
            older, newer = newer, older
        diff = version_diff(older, newer) if older is not None and newer is not None else None
        return self._page(
            request,
            "admin/articles/article/versions.html",
            f"Versions of “{article}”",
            article,
            versions=versions,
            older=older,
            newer=newer,
            diff=diff,
            can_restore=self.has_change_permission(request, article),
        )

    def restore_view(self, request, object_id, history_id):
        """Confirm, then bring back one version's text as a new version."""
        article = self._article_or_403(request, object_id, change=True)
        record = get_object_or_404(article.history.all(), history_id=history_id)
        if request.method == "POST":
            try:
                with transaction.atomic():
                    result = article_restore_version(article=article, record=record, user=request.user)
            except WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(reverse("admin:articles_article_versions", args=[article.pk]))
            if isinstance(result, ArticleRevision):
                self.message_user(request, "The old text is in a working copy: review it there, then approve it.")
                return HttpResponseRedirect(result.get_absolute_url())
            self.log_change(request, article, f"Restored version {record.version}")
            self.message_user(request, f"Version {record.version} restored as a new version.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        return self._page(
            request,
            "admin/articles/article/restore_confirmation.html",
            f"Restore a version of “{article}”",
            article,
            record=record,
            diff=version_diff(article, record),
        )

    def working_copy_view(self, request, object_id):
        """Open the article's working copy: the one already started (by whom), or a new one on confirmation."""
        article = self._article_or_403(request, object_id)
        existing = article.revisions.filter(state=ArticleRevision.State.OPEN).select_related("started_by").first()
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            revision, created = revision_start(article=article, user=request.user)
            if not created:
                self.message_user(
                    request,
                    f"A working copy was already started by {revision.started_by or 'someone'}: this is it.",
                    messages.WARNING,
                )
            return HttpResponseRedirect(revision.get_absolute_url())
        return self._page(
            request,
            "admin/articles/article/working_copy_start.html",
            f"Working copy of “{article}”",
            article,
            existing=existing,
            can_start=self.has_change_permission(request, article),
        )

    def purge_view(self, request, object_id):
        """Delete an article for good, after confirmation (superusers only)."""
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_purge_permission(request, article):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            title = str(article)
            LogEntry.objects.log_actions(
                request.user.pk, [article], DELETION, "Deleted permanently", single_object=True
            )
            article_purge(article=article, user=request.user)
            self.message_user(request, f"“{title}” was deleted permanently, with its history.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        return self._page(
            request,
            "admin/articles/article/purge_confirmation.html",
            f"Delete “{article}” permanently?",
            article,
            version_count=article.history.count(),
        )


def _who_when(user, when):
    if when is None:
        return "-"
    return f"{timezone.localtime(when).strftime('%d %b %Y %H:%M')} by {user or 'unknown'}"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_approved(article: Article, revision: ArticleRevision) -> Article:
    """An unsaved copy of the article with the working copy's text, rendered as save() would."""
    preview = Article.objects.select_related("category").get(pk=article.pk)
    for name in ("title", "summary", "body", "tags", "category_id"):
        setattr(preview, name, getattr(revision, name))
    if preview.category_id != article.category_id:
        preview.category = revision.category
    rendered = render_markdown(preview.body)
    preview.body_html = rendered.html
    preview.rendered_sections = rendered.sections
    return preview


# --- Working copies ------------------------------------------------------------------------


class ArticleRevisionForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ArticleRevision
        fields = ["title", "category", "summary", "body", "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        current = ArticleRevision.objects.select_for_update().filter(pk=self.instance.pk).first()
        if current is not None and not current.is_open:
            raise forms.ValidationError("This working copy was already approved or discarded.")
        loaded = cleaned.get("loaded_version")
        if current is not None and loaded is not None and loaded != current.version:
            self.data = self.data.copy()
            self.data["loaded_version"] = current.version
            raise forms.ValidationError(
                "Someone else saved this working copy while you were editing it. Your changes are not saved yet: "
                "save again to replace theirs, or reload the page to start from theirs."
            )
        return cleaned


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ArticleBodyWarningsMixin, MarkdownxModelAdmin):
    """Working copies: started from a published article, approved onto it or discarded."""

    form = ArticleRevisionForm
    view_on_site = False  # the live article has the link; a copy has no public address
    change_form_template = "admin/articles/articlerevision/change_form.html"
    list_display = ["article", "state", "started_by", "started_at", "updated_at"]
    list_filter = ["state"]
    list_select_related = ["article", "started_by"]
    search_fields = ["title", "article__title"]
    readonly_fields = ["article_link", "state", "started_by", "started_at", "updated_at", "base_version"]
    fieldsets = [
        (None, {"fields": ["article_link", "title", "category", "summary", "body", "tags", "loaded_version"]}),
        ("Working copy", {"fields": ["state", "started_by", "started_at", "updated_at", "base_version"]}),
    ]

    class Media:
        css = {"all": ["css/editorial-admin.css"]}

    def has_add_permission(self, request):
        return False  # started from the article ("Edit in a working copy")

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj) and request.user.has_perm("articles.change_article")
        return allowed and (obj is None or obj.is_open)

    def has_delete_permission(self, request, obj=None):
        return False  # discarded, never deleted: the record says who tried what

    @admin.display(description="article")
    def article_link(self, revision):
        url = reverse("admin:articles_article_change", args=[revision.article_id])
        return format_html('<a href="{}">{}</a> (live version {})', url, revision.article, revision.article.version)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        revision = self.get_object(request, object_id) if object_id else None
        if revision is not None and request.method == "POST":
            step = next((s for s in ("_approve", "_rebase", "_discard") if s in request.POST), None)
            if step:
                return self._step(request, revision, step)
        extra_context = extra_context or {}
        if revision is not None:
            live = revision.article
            extra_context.update(
                {
                    "live": live,
                    "diff": version_diff(live, revision),
                    "live_changed": live.version != revision.base_version,
                    "can_approve": revision.is_open and request.user.has_perm("articles.publish_article"),
                    "preview_url": reverse("admin:articles_article_preview", args=[live.pk])
                    + f"?working_copy={revision.pk}",
                }
            )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _step(self, request, revision, step):
        if not self.has_change_permission(request, revision):
            raise PermissionDenied
        here = HttpResponseRedirect(revision.get_absolute_url())
        try:
            if step == "_approve":
                article = revision_approve(revision=revision, user=request.user)
                self.message_user(request, f"The working copy is live: “{article}” was updated.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
            if step == "_rebase":
                revision_rebase(revision=revision, user=request.user)
                self.message_user(request, "The working copy is now based on the live version.")
                return here
            revision_discard(revision=revision, user=request.user)
            self.message_user(request, "The working copy was discarded; the live article is unchanged.")
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[revision.article_id]))
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return here


# --- Stale content -----------------------------------------------------------------------


@admin.register(ArticleDueForReview)
class ArticleDueForReviewAdmin(admin.ModelAdmin):
    list_display = ["article_link", "review_by", "last_reviewed_at", "status", "category"]
    list_display_links = None
    list_select_related = ["category"]
    ordering = ["review_by", "title"]
    actions = ["mark_reviewed"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(review_by__lte=timezone.localdate() + REVIEW_SOON)

    @admin.display(description="article", ordering="title")
    def article_link(self, article):
        url = reverse("admin:articles_article_change", args=[article.pk])
        overdue = " (overdue)" if article.review_by < timezone.localdate() else ""
        return format_html('<a href="{}">{}</a>{}', url, article.title, overdue)

    # Permissions are the article's own.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_article") or request.user.has_perm("articles.change_article")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return request.user.has_perm("articles.review_article")

    @admin.action(description="Mark selected articles as reviewed", permissions=["review"])
    def mark_reviewed(self, request, queryset):
        with transaction.atomic():
            for article in queryset:
                article_mark_reviewed(article=article, user=request.user)
        count = len(queryset)
        self.message_user(
            request, ngettext("%d article marked as reviewed.", "%d articles marked as reviewed.", count) % count
        )
