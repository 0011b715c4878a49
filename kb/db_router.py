"""
Reads to a read replica, writes to the primary (settings.DATABASES "default").

Turned on by DATABASE_REPLICA_URL (settings.KB_READ_REPLICA names the alias);
without it every query goes to "default". The replica is a streaming copy of the
primary, so it may lag behind by a moment. Two rules keep that from showing:

- a read inside a transaction on the primary is made on the primary, so a save
  that reads back what it just wrote (Article.save() does) sees its own rows;
- once this thread has written, its reads stay on the primary until the next
  request starts, so the page after a form (the admin's list after a save) shows
  the change.

Relations between objects from either alias are allowed (they hold the same
data), and migrations run on the primary only.
"""

import threading

from django.conf import settings
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connections

_state = threading.local()


def _forget_writes(**kwargs) -> None:
    _state.wrote = False


request_started.connect(_forget_writes, dispatch_uid="kb.db_router.forget_writes")


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        replica = settings.KB_READ_REPLICA
        if not replica or getattr(_state, "wrote", False):
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return replica

    def db_for_write(self, model, **hints):
        _state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
