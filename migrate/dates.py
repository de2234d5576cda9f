"""Dates as people type them: ``2026-11-27 14:00``, ``yesterday 14:00``, ``3 days ago``."""
from __future__ import annotations

import datetime
import re

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

_AGO = re.compile(r"(\d+)\s+(minute|hour|day|week|month)s?\s+ago", re.I)
_DAY_WORDS = {"today": 0, "yesterday": -1}


def parse_when(text: str, now: datetime.datetime | None = None) -> datetime.datetime:
    """An aware datetime (local time when the text names no zone); ``ValueError`` if unreadable."""
    now = (now or datetime.datetime.now().astimezone()).replace(microsecond=0)
    words = text.strip()
    ago = _AGO.fullmatch(words)
    if ago:
        return now - relativedelta(**{ago.group(2).lower() + "s": int(ago.group(1))})
    if words.lower() == "now":
        return now
    first, _, rest = words.partition(" ")
    base = now.replace(hour=0, minute=0, second=0)
    if first.lower() in _DAY_WORDS:
        base += relativedelta(days=_DAY_WORDS[first.lower()])
        words = rest or "00:00"
    try:
        when = date_parser.parse(words, default=base.replace(tzinfo=None))
    except (ValueError, OverflowError) as error:
        raise ValueError(f"cannot read the date {text!r}: {error}") from None
    return when if when.tzinfo else when.replace(tzinfo=now.tzinfo)
