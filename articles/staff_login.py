"""
Signing in to the admin: lockout after repeated failures, password reset by email,
and a clear message for a deactivated account.

django-axes counts failed sign-ins per account and per client address (settings:
AXES_*); after too many, both are locked for a while and `lockout_response()`
explains it on an admin-styled page. The password reset pages are Django's own
views with the admin's templates; a completed reset also lifts the account's lock.
"""

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import render

DEACTIVATED = (
    "This staff account has been deactivated, so it cannot sign in. "
    "Ask an administrator of the help center to reactivate it."
)


class StaffAuthenticationForm(AdminAuthenticationForm):
    """
    The admin sign-in form, plus one clear message: Django's backend refuses an
    inactive user before the form can say why, so the form checks for that case
    itself. It is said only with the right password, so it reveals nothing to
    someone guessing.
    """

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "invalid_login" and self._deactivated_with_right_password():
                raise forms.ValidationError(DEACTIVATED, code="inactive") from None
            raise

    def _deactivated_with_right_password(self) -> bool:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return False
        user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        return user is not None and not user.is_active and user.has_usable_password() and user.check_password(password)


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out person sees (AXES_LOCKOUT_CALLABLE): when to try again, and how to reset."""
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed sign-in attempts",
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "admin/locked_out.html", context, status=429)


class StaffPasswordResetForm(PasswordResetForm):
    """Only active staff accounts get a reset email; nobody learns whether an address has one."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)


class AdminContextMixin:
    """The reset pages look like the rest of the admin (site header, title)."""

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetView(AdminContextMixin, auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm


class PasswordResetDoneView(AdminContextMixin, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(AdminContextMixin, auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password ends the account's lockout; the address's own lock stays until it expires.
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetCompleteView(AdminContextMixin, auth_views.PasswordResetCompleteView):
    pass
