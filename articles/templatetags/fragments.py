"""
Template tags for pieces of pages kept per content version (articles/page_fragments.py).

Apart from help_center's tags, which the article parts stored at save time are
rendered with (article_parts.CODE): a change here leaves those parts current.
"""

from django import template

from .. import page_fragments

register = template.Library()


@register.simple_tag
def more_in_category(category, articles):
    """The "More in <category>" section (includes/more_in_category.html), rendered once per content version."""
    return page_fragments.more_in_category(category, articles)


@register.simple_tag
def site_links(links):
    """The site's help links in the "still need help?" block (includes/site_links.html), once per content version."""
    return page_fragments.site_links(links)
