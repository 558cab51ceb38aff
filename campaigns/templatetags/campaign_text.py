"""`{{ campaign.landing_text|landing_markdown }}`: the landing text, rendered safe
(`campaigns.markdown`)."""

from django import template

from ..markdown import render_markdown

register = template.Library()


@register.filter
def landing_markdown(text: str):
    return render_markdown(text)
