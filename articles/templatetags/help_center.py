"""Display helpers for the help center's templates."""

from django import template

register = template.Library()


@register.filter
def toc_tree(sections):
    """
    Nest a flat table of contents for display: [(section, [subsections])].

    A level-3 section goes under the level-2 section before it; one with no
    level-2 section before it is shown at the top level.
    """
    tree = []
    for section in sections:
        if section.level == 3 and tree:
            tree[-1][1].append(section)
        else:
            tree.append((section, []))
    return tree
