"""
Staff roles as Django groups. `ROLES` is the one definition: the data
migration that creates the groups and `manage.py sync_roles` both call
`roles_sync()`. Superusers need no group: they hold every permission,
including `purge_article` (deleting an article for good).
"""

from django.apps import apps as global_apps

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
        # What customers search for and fail to find.
        "articles.view_searchlog",
    ],
    SUPPORT_AGENTS: [
        # Read every article, drafts included; never write one.
        "articles.view_article",
        "articles.view_historicalarticle",
        "articles.view_articlerevision",
        "articles.view_category",
        "articles.view_helplink",
        "articles.view_synonymgroup",
        # Work the request queue and read the analytics.
        "articles.view_contactrequest",
        "articles.change_contactrequest",
        "articles.view_searchlog",
    ],
}


def roles_sync(*, apps=global_apps) -> dict[str, int]:
    """
    Create or update each role's group so it holds exactly its permissions.
    Returns {group name: permission count}. Permissions missing from the
    database (before their models are migrated) raise LookupError, naming them.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    result = {}
    for name, wanted in ROLES.items():
        permissions = []
        for label in wanted:
            app_label, codename = label.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise LookupError(f"Permission {label} does not exist; run migrate first.")
            permissions.append(permission)
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        result[name] = len(permissions)
    return result
