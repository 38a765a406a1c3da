"""Forms of the column and the publicity log. They only shape input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign, Task
from huodong.orgs.models import Office
from huodong.publicity.models import (
    Article,
    ArticleCategory,
    ArticleStatus,
    Channel,
)


class _TaskChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:  # type: ignore[override]
        return f"{obj.campaign.title} · {obj.seq}. {obj.text[:40]}"


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ArticleCategory.objects.none(), empty_label=None
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    task = _TaskChoice(
        label=_("Counted for task"),
        queryset=Task.objects.none(),
        required=False,
        help_text=_("The plan's task this piece counts for, e.g. the publicity task."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in lists, the feed and the share card."),
    )
    body_html = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "class": "rich-body", "data-rich-editor": "1"}),
        help_text=_(
            "Paste from Word or a web page, or use the toolbar. Formatting is reduced to "
            "headings, paragraphs, lists, tables, links and images; anything else is removed."
        ),
    )
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)

    def __init__(self, *args, office: Office, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ArticleCategory.objects.filter(office=office)
        campaigns = Campaign.objects.filter(office=office).order_by("-start", "-id")
        self.fields["campaign"].queryset = campaigns
        self.fields["task"].queryset = (
            Task.objects.filter(campaign__office=office)
            .select_related("campaign")
            .order_by("-campaign__start", "campaign_id", "seq")
        )

    @staticmethod
    def initial_for(article: Article) -> dict:
        return {
            "title": article.title,
            "category": article.category_id,
            "campaign": article.campaign_id,
            "task": article.task_id,
            "summary": article.summary,
            "body_html": article.body_html,
        }


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What to change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment"))


class ArticleFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ArticleStatus.choices]
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ArticleCategory.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args, office: Office, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ArticleCategory.objects.filter(office=office)
        self.fields["campaign"].queryset = Campaign.objects.filter(office=office).order_by(
            "-start", "-id"
        )


class PlacementForm(forms.Form):
    article = forms.ModelChoiceField(
        label=_("Article"),
        queryset=Article.objects.none(),
        required=False,
        empty_label=_("— not a column article —"),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Left empty: the article's title."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    link = forms.CharField(label=_("Link"), max_length=500, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    task = _TaskChoice(label=_("Counted for task"), queryset=Task.objects.none(), required=False)

    def __init__(self, *args, campaign: Campaign, articles, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = articles
        self.fields["task"].queryset = Task.objects.filter(campaign=campaign).select_related(
            "campaign"
        )


class LogFilterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    task = forms.ModelChoiceField(
        label=_("Counted for task"),
        queryset=Task.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = Task.objects.filter(campaign=campaign)
