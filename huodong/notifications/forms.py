from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email_each = forms.BooleanField(
        label=_("E-mail me each notification as it arrives"), required=False
    )
    daily_digest = forms.BooleanField(
        label=_("E-mail me one daily digest instead"),
        required=False,
        help_text=_(
            "One e-mail a day listing your unread notifications. While it is on, notifications "
            "are not e-mailed one by one."
        ),
    )
