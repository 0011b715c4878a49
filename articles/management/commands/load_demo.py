"""
`manage.py load_demo`: fill an empty site with the demo help center.

Imports articles/demo_content/*.md through import_articles, gives the four demo
categories their order and descriptions, and adds the site-wide help links from
site_links.yaml. Safe to run again: what is already there is left alone.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.content_files import load_yaml, parse_links
from articles.demo_activity import demo_activity_create
from articles.management.commands.import_articles import category_get_or_create
from articles.models import HelpLink

DEMO_CONTENT = Path(__file__).resolve().parents[2] / "demo_content"

# (name, position, description) of each demo category, in home-page order.
DEMO_CATEGORIES = [
    (
        "Account and Settings",
        1,
        "Signing in, two-factor authentication, teammates and the settings that keep an account secure.",
    ),
    ("Sending Email", 2, "Getting messages delivered: spam folders, bounces and blocks, and warming up a new IP."),
    ("Billing and Plans", 3, "What an invoice means, how plans are charged and what to do when a payment fails."),
    ("API and SMTP", 4, "Connecting your applications: API keys and their permissions, and SMTP relay errors."),
]


def demo_categories_update() -> int:
    """Set each demo category's position and description; returns how many changed."""
    changed = 0
    for name, position, description in DEMO_CATEGORIES:
        category = category_get_or_create(name=name)
        if (category.position, category.description) != (position, description):
            category.position, category.description = position, description
            category.save(update_fields=["position", "description"])
            changed += 1
    return changed


def demo_site_links_create(*, path: Path) -> tuple[int, int]:
    """Add the site-wide help links listed in `path` that are missing; returns (created, listed)."""
    try:
        links = parse_links(load_yaml(path.read_text(encoding="utf-8")))
    except ValueError as error:
        raise CommandError(f"{path}: {error}") from None
    created = 0
    for position, (label, url) in enumerate(links):
        link = HelpLink.objects.site_wide().filter(label=label, url=url).first()
        if link is None:
            HelpLink.objects.create(label=label, url=url, position=position)
            created += 1
        elif link.position != position:
            link.position = position
            link.save(update_fields=["position"])
    return created, len(links)


class Command(BaseCommand):
    help = "Load the demo help center: 10 articles in 4 categories and the site-wide help links."

    def handle(self, *args, **options):
        call_command(
            "import_articles",
            str(DEMO_CONTENT),
            verbosity=options["verbosity"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
        with transaction.atomic():
            categories = demo_categories_update()
            links, listed = demo_site_links_create(path=DEMO_CONTENT / "site_links.yaml")
        total = len(DEMO_CATEGORIES)
        self.stdout.write(f"Demo categories: {categories} updated, {total - categories} unchanged.")
        self.stdout.write(f"Site-wide help links: {links} added, {listed - links} already there.")
        if demo_activity_create():
            self.stdout.write("Demo activity: a week of views, votes, searches and requests recorded.")
        else:
            self.stdout.write("Demo activity: left alone (the site already has activity of its own).")
