"""Forms of the portal: they parse and normalise; services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from portal.models import PortalRequest
from refleact.crypto.filefield import upload_type_validator


class LoginForm(forms.Form):
    # The field is "email": refleact/accounts/lockout.py digests it for axes.
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordSetForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class ShareForm(forms.Form):
    trajectory = forms.ChoiceField(label=_("Trajectory"))
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("What you want to share"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachment = forms.FileField(
        label=_("Document (optional)"),
        required=False,
        validators=[upload_type_validator()],
    )

    def __init__(self, *args, trajectories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trajectory"].choices = [
            (
                str(t.pk),
                f"{t.get_kind_display().capitalize()} ({t.get_status_display()})",
            )
            for t in trajectories
        ]

    def clean(self):
        data = super().clean()
        if not data.get("body") and not data.get("attachment") and not self.errors:
            raise forms.ValidationError(_("Write something or add a document."))
        return data


class EvaluationForm(forms.Form):
    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for index, question in enumerate(questions):
            self.fields[f"answer_{index}"] = forms.CharField(
                label=question,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you ask?"),
        choices=PortalRequest.Kind.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your request"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional for a copy; say what it is about otherwise."),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=[("nl", "Nederlands"), ("en", "English")])
    next = forms.CharField(required=False, max_length=500)


class SecondFactorOffForm(forms.Form):
    """Turning the second factor off or new recovery codes: a code, or the password."""

    token = forms.CharField(
        label=_("Code from your app, or a recovery code"),
        max_length=32,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "size": 12}),
    )
    password = forms.CharField(
        label=_("Or your password"),
        strip=False,
        max_length=4096,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("token") and not data.get("password"):
            raise forms.ValidationError(
                _("Type a code from your app, a recovery code, or your password.")
            )
        return data
