"""
Staff roles as Django groups. `ROLES` is the one definition: the data
migrations that create and update the groups and `manage.py sync_roles` all
call `roles_sync()`; a change to ROLES comes with a migration that calls it.
Superusers need no group: they hold every permission, including
`purge_article` (deleting an article for good).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS = "Editors"
SUPPORT_AGENTS = "Support agents"

# Group name -> permissions as "app_label.codename".
ROLES: dict[str, list[str]] = {
    EDITORS: [
        # Articles: write, review, publish; "delete" in the admin archives.
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.delete_article",
        "articles.review_article",
        "articles.publish_article",
        "articles.view_historicalarticle",
        "articles.add_articlerevision",
        "articles.change_articlerevision",
        "articles.view_articlerevision",
        # Categories, help links and synonyms.
        "articles.add_category",
        "articles.change_category",
        "articles.view_category",
        "articles.add_helplink",
        "articles.change_helplink",
        "articles.view_helplink",
        "articles.delete_helplink",
        "articles.add_synonymgroup",
        "articles.change_synonymgroup",
        "articles.view_synonymgroup",
        "articles.delete_synonymgroup",
        # Pinned search results (each article's search boost is part of changing it).
        "articles.add_pinnedsearch",
        "articles.change_pinnedsearch",
        "articles.view_pinnedsearch",
        "articles.delete_pinnedsearch",
        # What customers search for and fail to find.
        "articles.view_searchlog",
        # Broken links between articles, and what check_links found.
        "articles.view_brokenlink",
        "articles.view_linkcheck",
        # The support analytics: views, votes and their comments.
        "articles.view_articleviewcount",
        "articles.view_articlefeedback",
    ],
    SUPPORT_AGENTS: [
        # Read every article, drafts included; never write one.
        "articles.view_article",
        "articles.view_historicalarticle",
        "articles.view_articlerevision",
        "articles.view_category",
        "articles.view_helplink",
        "articles.view_synonymgroup",
        "articles.view_pinnedsearch",
        # Work the request queue (internal notes, the emails sent) and read the analytics.
        "articles.view_contactrequest",
        "articles.change_contactrequest",
        "articles.add_contactnote",
        "articles.change_contactnote",
        "articles.view_contactnote",
        "articles.view_outgoingemail",
        "articles.change_outgoingemail",
        "articles.view_searchlog",
        "articles.view_articleviewcount",
        "articles.view_articlefeedback",
    ],
}


def roles_sync(*, apps=global_apps, skip_missing: bool | None = None) -> dict[str, int]:
    """
    Create or update each role's group so it holds exactly its permissions.
    Returns {group name: permission count}. A permission missing from the
    database raises LookupError, naming it; in a migration (`apps` is the
    migration's registry) it is skipped instead, because its model may come in
    a later migration, whose own call to roles_sync() completes the group.
    """
    if skip_missing is None:
        skip_missing = apps is not global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    result = {}
    for name, wanted in ROLES.items():
        permissions = []
        for label in wanted:
            app_label, codename = label.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                if skip_missing:
                    continue
                raise LookupError(f"Permission {label} does not exist; run migrate first.")
            permissions.append(permission)
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        result[name] = len(permissions)
    return result


def roles_migrate(apps, schema_editor) -> None:
    """
    A migration step (RunPython) that brings the groups up to date. Permissions
    are normally created after all migrations have run; the groups need them now.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps=apps)
