"""Small helpers of the base layout."""

from django import template

register = template.Library()


@register.filter
def is_under(path: str, prefix: str) -> bool:
    """`request.path|is_under:"/campagnes/"`: marks the current section in the navigation."""
    return str(path).startswith(prefix)


@register.filter
def has_field_errors(form) -> bool:
    """True when at least one field (not only the form as a whole) has an error."""
    return any(name != "__all__" for name in form.errors)
