"""Fail when a user-visible string is missing from the Chinese catalogue or left untranslated.

1. Extract the messages of the source again (Django's makemessages, in a scratch copy) and
   compare with the committed catalogue: every msgid must be there.
2. Every entry of the catalogue must be translated and not fuzzy.
3. The compiled catalogue (.mo) must hold exactly the translations of the .po.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _key(e: polib.POEntry | polib.MOEntry) -> tuple[str | None, str]:
    return (e.msgctxt, e.msgid)


def main() -> int:
    problems: list[str] = []
    po = polib.pofile(str(PO))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "lianggang"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data", "*.mo"))
        (copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").unlink()
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location"],
            cwd=copy,
            check=True,
            capture_output=True,
            env={"DJANGO_SETTINGS_MODULE": "lianggang.config.settings", "PATH": "/usr/bin:/bin"},
        )
        fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    known = {_key(e) for e in po if not e.obsolete}
    for e in fresh:
        if _key(e) not in known:
            problems.append(f"not in the catalogue (run `make messages`): {e.msgid!r}")
    for e in po:
        if e.obsolete:
            continue
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {e.msgid!r}")
        elif not (e.msgstr or any(e.msgstr_plural.values())):
            problems.append(f"untranslated: {e.msgid!r}")
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {_key(e): (e.msgstr, dict(e.msgstr_plural)) for e in mo}
    for e in po.translated_entries():
        got = compiled.get(_key(e))
        want = (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        if got is None or (got[0], {int(k): v for k, v in got[1].items()}) != want:
            problems.append(f"compiled catalogue out of date (run `make messages`): {e.msgid!r}")
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print(f"messages: {len(po.translated_entries())} translated, catalogue up to date")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
