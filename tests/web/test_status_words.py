"""The statuses' words and styles: every status the engine gives has them, and every CSS class
named is styled by the stylesheet."""

from __future__ import annotations

import re
from pathlib import Path

from lianggang.analytics.engine.assess import Status
from lianggang.analytics.models import Status as StoredStatus
from lianggang.analytics.status import JUDGED, LAGGING, LAGGING_FIRST, ON_COURSE, UNDER_WAY, WORDS

CSS = Path(__file__).resolve().parents[2] / "src/lianggang/web/static/web/app.css"


def test_every_status_has_its_words_and_a_styled_class() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert list(WORDS) == [s.value for s in Status]
    assert [s.value for s in StoredStatus] == [s.value for s in Status]
    assert set(LAGGING_FIRST) == set(WORDS)
    symbols = [w.symbol for w in WORDS.values()]
    assert len(set(symbols)) == len(symbols)
    for words in WORDS.values():
        assert re.search(rf"\.{re.escape(words.css)}\s*\{{", css), words.css


def test_the_groups() -> None:
    assert set(ON_COURSE) | set(LAGGING) == set(JUDGED)
    assert not set(ON_COURSE) & set(LAGGING)
    assert set(UNDER_WAY) == set(JUDGED) - {"ACHIEVED"}
