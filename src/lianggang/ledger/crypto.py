"""Encryption at rest of the ledger's personal data (victims, aid recipients).

The keys come from ``LIANGGANG_LEDGER_KEYS`` (Fernet keys, comma-separated, the first one
encrypts, every one decrypts), never from ``SECRET_KEY``: a leaked session key must not open
the cases. Without a key, or with a key that does not open a value, reading or writing a
protected field raises :class:`LedgerKeyError`: the data is never shown as ciphertext and never
stored unencrypted. ``lianggang ledger rekey`` re-encrypts every value under the first key, so
that an old key can be retired.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Stored values start with this tag, so that plain text can never pass for encrypted data.
TAG = "f1:"


class LedgerKeyError(Exception):
    """The ledger key is missing or does not open the stored data."""


def _fernet() -> MultiFernet:
    keys = [k for k in getattr(settings, "LIANGGANG_LEDGER_KEYS", []) if k]
    if not keys:
        raise LedgerKeyError(
            _("No ledger key is set (LIANGGANG_LEDGER_KEYS): protected data cannot be read.")
        )
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise LedgerKeyError(_("The ledger key is not a valid Fernet key.")) from exc


def generate_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(text: str) -> str:
    if text == "":
        return ""
    return TAG + _fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if stored == "":
        return ""
    if not stored.startswith(TAG):
        raise LedgerKeyError(_("A protected value is not encrypted: refusing to show it."))
    try:
        return _fernet().decrypt(stored[len(TAG) :].encode()).decode()
    except InvalidToken as exc:
        raise LedgerKeyError(
            _("The ledger key does not open this value (wrong or retired key).")
        ) from exc


def rotate(stored: str) -> str:
    """The same value encrypted under the first key."""
    if stored == "":
        return ""
    try:
        return TAG + _fernet().rotate(stored[len(TAG) :].encode()).decode()
    except InvalidToken as exc:
        raise LedgerKeyError(_("The ledger key does not open this value.")) from exc


class EncryptedTextField(models.TextField):
    """Text encrypted with the ledger key before it reaches the database.

    Values are read back decrypted; a lookup other than emptiness makes no sense on them (each
    encryption differs), so only ``exact=""`` and ``isnull`` are meaningful.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))


def mask(text: str, keep_start: int = 1, keep_end: int = 0) -> str:
    """Show only the ends of a personal value: 扎西卓玛 → 扎***, 13812345678 → 138****5678.

    >>> mask("扎西卓玛")
    '扎***'
    >>> mask("13812345678", 3, 4)
    '138****5678'
    >>> mask("")
    ''
    """
    if not text:
        return ""
    if len(text) <= keep_start + keep_end:
        return text[:1] + "*" * (len(text) - 1)
    hidden = len(text) - keep_start - keep_end
    return text[:keep_start] + "*" * hidden + (text[-keep_end:] if keep_end else "")
