"""
The support agents' queue: contact requests, their internal notes and the
emails they caused.

Agents change only a request's status and assignee and add notes; what the
customer wrote and the visit context are shown read-only. An email that could
not be sent is flagged on its request and listed under "Outgoing emails", with
its reason and a "retry now" action.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from .models import ContactNote, ContactRequest, OutgoingEmail
from .outbox import outgoing_emails_retry_now


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"
    BUCKETS = {
        "day": ("Under a day", 0, 1),
        "days": ("1 to 3 days", 1, 3),
        "week": ("3 to 7 days", 3, 7),
        "older": ("Over a week", 7, None),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _, _) in self.BUCKETS.items()]

    def queryset(self, request, queryset):
        if self.value() not in self.BUCKETS:
            return queryset
        _, newest, oldest = self.BUCKETS[self.value()]
        now = timezone.now()
        queryset = queryset.filter(created_at__lte=now - timedelta(days=newest))
        if oldest is not None:
            queryset = queryset.filter(created_at__gt=now - timedelta(days=oldest))
        return queryset


class MailFilter(admin.SimpleListFilter):
    title = "email"
    parameter_name = "notified"

    def lookups(self, request, model_admin):
        return [("yes", "Support notified"), ("no", "Support not notified yet"), ("failed", "An email failed")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(notified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(notified_at__isnull=True)
        if self.value() == "failed":
            return queryset.filter(emails__status=OutgoingEmail.Status.FAILED).distinct()
        return queryset


class ContactNoteInline(admin.StackedInline):
    """Notes are history: anyone may add one, only its author may edit it, nobody deletes it here."""

    model = ContactNote
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 1
    can_delete = False
    verbose_name = "internal note"
    verbose_name_plural = "internal notes (never shown to the customer)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        user_id = request.user.pk

        class NoteFormSet(formset):
            def _construct_form(self, i, **form_kwargs):
                form = super()._construct_form(i, **form_kwargs)
                if form.instance.pk and form.instance.author_id != user_id:
                    # A disabled field ignores whatever is posted for it.
                    form.fields["body"].disabled = True
                return form

        return NoteFormSet


class OutgoingEmailInline(admin.TabularInline):
    model = OutgoingEmail
    fields = ["kind", "to", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "emails"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    """Requests come from customers: agents set the status and the assignee, and add notes."""

    list_display = ["reference", "age", "subject", "email", "article", "status", "assignee", "mail"]
    list_display_links = ["reference", "subject"]
    list_filter = [
        "status",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        ("article", admin.RelatedOnlyFieldListFilter),
        AgeFilter,
        MailFilter,
    ]
    list_select_related = ["article", "assignee"]
    search_fields = ["=reference", "name", "email", "subject", "message"]
    date_hierarchy = "created_at"
    actions = ["assign_to_me", "mark_open", "mark_waiting", "mark_resolved"]
    inlines = [ContactNoteInline, OutgoingEmailInline]
    fieldsets = [
        ("Request", {"fields": ["reference", "created_at", "name", "email", "subject", "message"]}),
        ("Where the customer came from", {"fields": ["article", "visit_context"]}),
        ("Handling", {"fields": ["status", "assignee", "first_worked_at", "notified_at"]}),
    ]
    readonly_fields = [
        "reference",
        "name",
        "email",
        "subject",
        "message",
        "article",
        "visit_context",
        "created_at",
        "first_worked_at",
        "notified_at",
    ]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        failed = OutgoingEmail.objects.filter(contact_request=OuterRef("pk"), status=OutgoingEmail.Status.FAILED)
        return super().get_queryset(request).annotate(mail_failed=Exists(failed))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        failed = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count()
        if failed and request.method == "GET":
            self.message_user(
                request,
                format_html(
                    '{} could not be sent. <a href="{}">See why and retry</a>.',
                    ngettext("%(count)d email", "%(count)d emails", failed) % {"count": failed},
                    reverse("admin:articles_outgoingemail_changelist") + "?status__exact=failed",
                ),
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def save_formset(self, request, form, formset, change):
        if formset.model is ContactNote:
            for note in formset.save(commit=False):
                if note.pk is None:
                    note.author = request.user
                note.save()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)

    @admin.display(description="email")
    def mail(self, contact_request):
        if contact_request.mail_failed:
            return format_html("<strong>{}</strong>", "Failed")
        return "Sent" if contact_request.notified_at else "Pending"

    @admin.display(description="what the customer did in this visit")
    def visit_context(self, contact_request):
        context = contact_request.context if isinstance(contact_request.context, dict) else {}
        parts = []
        if contact_request.article:
            parts.append(
                format_html(
                    '<p>Came from <a href="{}">{}</a>.</p>',
                    contact_request.article.get_absolute_url(),
                    contact_request.article.title,
                )
            )
        for key, heading in [("searches", "Searched for"), ("suggestions_opened", "Opened suggested articles")]:
            items = [item for item in context.get(key) or [] if isinstance(item, str)]
            if items:
                parts.append(
                    format_html(
                        "<p>{}:</p><ul>{}</ul>", heading, format_html_join("", "<li>{}</li>", ((i,) for i in items))
                    )
                )
        votes = [vote for vote in context.get("feedback") or [] if isinstance(vote, dict)]
        if votes:
            rows = (
                (
                    str(vote.get("article", "")),
                    f" › {vote['section']}" if vote.get("section") else "",
                    str(vote.get("vote", "")),
                )
                for vote in votes
            )
            parts.append(
                format_html(
                    "<p>Feedback given:</p><ul>{}</ul>",
                    format_html_join("", "<li>{}{}: <strong>{}</strong></li>", rows),
                )
            )
        if not parts:
            return "Nothing recorded in this visit."
        return format_html_join("", "{}", ((part,) for part in parts))

    @admin.display(description="age", ordering="created_at")
    def age(self, contact_request):
        return timesince(contact_request.created_at)

    def _set(self, request, queryset, done: str, **fields):
        """Save each selected request through save() (it records the first response time), in one transaction."""
        changed = 0
        with transaction.atomic():
            for contact_request in queryset.select_for_update(of=("self",)):
                if all(getattr(contact_request, name) == value for name, value in fields.items()):
                    continue
                for name, value in fields.items():
                    setattr(contact_request, name, value)
                contact_request.save()
                self.log_change(request, contact_request, [{"changed": {"fields": [n.capitalize() for n in fields]}}])
                changed += 1
        self.message_user(
            request,
            ngettext("%(count)d contact request %(done)s.", "%(count)d contact requests %(done)s.", changed)
            % {"count": changed, "done": done},
            messages.SUCCESS if changed else messages.INFO,
        )

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._set(request, queryset, "assigned to you", assignee=request.user)

    @admin.action(description="Mark as open", permissions=["change"])
    def mark_open(self, request, queryset):
        self._set(request, queryset, "marked as open", status=ContactRequest.Status.OPEN)

    @admin.action(description="Mark as waiting on customer", permissions=["change"])
    def mark_waiting(self, request, queryset):
        self._set(request, queryset, "marked as waiting on the customer", status=ContactRequest.Status.WAITING)

    @admin.action(description="Mark as resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        self._set(request, queryset, "marked as resolved", status=ContactRequest.Status.RESOLVED)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Every email the help center sends; read-only, with a way to try failed ones again."""

    list_display = [
        "created_at",
        "request_reference",
        "kind",
        "to",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["contact_request"]
    search_fields = ["=contact_request__reference", "to", "last_error"]
    actions = ["retry_now"]
    fields = [
        "contact_request",
        "kind",
        "to",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="request", ordering="contact_request__reference")
    def request_reference(self, email):
        return email.contact_request.reference

    @admin.action(description="Retry now (failed or waiting emails)", permissions=["change"])
    def retry_now(self, request, queryset):
        count = outgoing_emails_retry_now(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d email will be sent by the next run of send_pending_notifications.",
                "%(count)d emails will be sent by the next run of send_pending_notifications.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
