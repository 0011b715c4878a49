"""Synonym groups a support help center needs from day one; staff edit them in the admin."""

from django.db import migrations

DEFAULT_GROUPS = [
    "sign in, log in, login, logon, signin, log on",
    "sign up, register, registration, signup, create account",
    "log out, logout, sign out, signout",
    "password, passcode, passphrase",
    "username, user name, login name",
    "invoice, bill, receipt, statement",
    "2fa, two-factor, two factor, mfa, two-step, two step, multi-factor, multi factor",
    "unsubscribe, opt out, opt-out, unsubscribed",
    "delete, remove, erase",
    "cancel, terminate, close",
    "spam, junk, bulk folder",
    "bounce, bounced, undeliverable, rejected",
    "api key, api token, token, access key",
    "webhook, callback, event notification",
    "plan, subscription, tier",
    "refund, money back, reimbursement",
    "blocklist, blacklist, denylist, block list",
    "teammate, colleague, coworker, team member",
    "sso, single sign-on, single sign on, saml",
    "limit, quota, cap",
    "locked out, cannot access, can't access, no access",
    "credit card, card, payment method",
    "banned, suspended",
]


def add_groups(apps, schema_editor):
    SynonymGroup = apps.get_model("articles", "SynonymGroup")
    for terms in DEFAULT_GROUPS:
        SynonymGroup.objects.get_or_create(terms=terms)


def remove_groups(apps, schema_editor):
    apps.get_model("articles", "SynonymGroup").objects.filter(terms__in=DEFAULT_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_search_index")]

    operations = [migrations.RunPython(add_groups, remove_groups)]
