"""Natural ordering of codes such as "1.1.2" and "1.1.10".

Databases compare text character by character, so "1.1.10" sorts before "1.1.2". Each
code is stored with a key in which every run of digits is zero-padded to a fixed width;
the key contains only digits and letters, so every collation (SQLite's binary one,
PostgreSQL's locale-aware ones) orders it the same way.
"""

import re

from django.db import models
from django.db.models import signals

_DIGITS = re.compile(r"\d+")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
_WIDTH = 6
# Records with no code (such as the "Other" activities) sort after every coded one.
_UNCODED_PREFIX = "9" * _WIDTH


def natural_sort_key(code: str, fallback: str = "") -> str:
    text = code.strip().lower()
    prefix = ""
    if not text:
        text = fallback.strip().lower()
        prefix = _UNCODED_PREFIX
    padded = _DIGITS.sub(lambda digits: digits.group().zfill(_WIDTH), text)
    return (prefix + _NOT_ALPHANUMERIC.sub("", padded))[:200]


class NaturalSortKeyField(models.CharField):
    """A read-only column holding `natural_sort_key()` of another field, for ORDER BY.

    It is refreshed on save() and bulk_create() (through `pre_save`) and on fixture loads,
    which save "raw" and skip `pre_save`, through the pre_save signal. bulk_update() writes
    whatever the instance holds: callers set the key with `refresh()` first.
    """

    def __init__(self, *args, source: str = "code", fallback: str = "", **kwargs):
        self.source = source
        self.fallback = fallback
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("db_index", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.fallback:
            kwargs["fallback"] = self.fallback
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def refresh(self, instance) -> str:
        fallback = getattr(instance, self.fallback) if self.fallback else ""
        value = natural_sort_key(getattr(instance, self.source) or "", fallback or "")
        setattr(instance, self.attname, value)
        return value

    def pre_save(self, model_instance, add):
        return self.refresh(model_instance)

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            signals.pre_save.connect(self._refresh_on_raw_save, sender=cls, weak=False)

    def _refresh_on_raw_save(self, sender, instance, raw=False, **kwargs):
        if raw:
            self.refresh(instance)
