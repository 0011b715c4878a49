from django import forms

from .models import Article, ContactRequest


class ContactForm(forms.ModelForm):
    """The “still need help?” form; `article` is the slug of the page the customer came from."""

    article = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

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

    def clean_article(self) -> Article | None:
        slug = self.cleaned_data.get("article")
        if not slug:
            return None
        # An unknown or unpublished slug is not worth failing the request for.
        return Article.objects.published().filter(slug=slug).first()

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError("Please describe the problem in a few words (at least 10 characters).")
        return message
