from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.timesince import timeuntil

from .models import Article, ContactRequest
from .ratelimit import rate_limit_hit

# Characters that end a line in an email header (and str.splitlines()):
# refused in anything that reaches a header, so no one can add headers.
LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _too_long(what: str, limit: int) -> str:
    return f"Please keep {what} under {limit:,} characters (it has %(show_value)s)."


class ContactForm(forms.ModelForm):
    """
    The “still need help?” form; `article` is the slug of the page the customer came from.

    `website` is a honeypot: hidden from people and from screen readers, left
    empty by them and filled in by the bots that fill every field.
    """

    article = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    honeypot_name = "website"

    class Meta:
        model = ContactRequest
        fields = ["name", "email", "subject", "message"]
        labels = {"name": "Your name", "email": "Your email address", "message": "How can we help?"}
        help_texts = {"email": "We reply to this address.", "message": "Tell us what you tried and what you saw."}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "subject": forms.TextInput(attrs={"autocomplete": "off"}),
            "message": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "name": {"required": "Please tell us your name.", "max_length": _too_long("your name", 120)},
            "email": {
                "required": "Please give the email address we should reply to.",
                "invalid": "Please give an email address like name@example.com.",
                "max_length": _too_long("the email address", 254),
            },
            "subject": {
                "required": "Please give your request a subject.",
                "max_length": _too_long("the subject", 200),
            },
            "message": {"required": "Please tell us how we can help.", "max_length": _too_long("the message", 10000)},
        }

    @property
    def customer_fields(self):
        """The visible fields a person fills in (all but the honeypot)."""
        return [field for field in self.visible_fields() if field.name != self.honeypot_name]

    @property
    def honeypot(self):
        return self[self.honeypot_name]

    def is_bot(self) -> bool:
        """True when the honeypot was filled: store nothing, but answer as if all went well."""
        return bool(self.cleaned_data.get(self.honeypot_name))

    def _single_line(self, name: str, what: str) -> str:
        value = self.cleaned_data[name]
        if any(char in LINE_BREAKS for char in value):
            raise forms.ValidationError(f"Please write {what} on one line.", code="line_break")
        return value

    def clean_name(self):
        return self._single_line("name", "your name")

    def clean_email(self):
        return self._single_line("email", "the email address")

    def clean_subject(self):
        return self._single_line("subject", "the subject")

    def clean_article(self) -> Article | None:
        slug = self.cleaned_data.get("article")
        if not slug:
            return None
        # An unknown or unpublished slug is not worth failing the request for.
        return Article.objects.published().filter(slug=slug).first()

    def allowed_by_rate_limits(self, *, client_ip: str) -> bool:
        """
        Count this submission against the per-address and per-email limits
        (`contact_ip`, `contact_email`); over a limit, add an error saying when
        to try again and return False. Call it on a valid form only.
        """
        verdict = rate_limit_hit("contact_ip", client_ip)
        if not verdict.allowed:
            self.add_error(
                None,
                "We have received many requests from your network in a short time. "
                f"Please try again in {_wait(verdict.retry_after)}; what you typed is kept below.",
            )
            return False
        verdict = rate_limit_hit("contact_email", self.cleaned_data["email"].lower())
        if not verdict.allowed:
            self.add_error(
                "email",
                "We have already received several requests from this address. We will reply to them; "
                f"to send another, please try again in {_wait(verdict.retry_after)}.",
            )
            return False
        return True

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError("Please describe the problem in a few words (at least 10 characters).")
        return message


def _wait(seconds: int) -> str:
    now = timezone.now()
    return timeuntil(now + timedelta(seconds=max(seconds, 60)), now)
