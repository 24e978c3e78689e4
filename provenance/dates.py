"""Publication times: given ones (ISO 8601) and ones inferred from a page or a dateline.

A time is an interval, so that a date alone, or a local time of unknown zone, orders two documents
only when it certainly can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INFERRED = " (inferred)"


@dataclass(frozen=True)
class Published:
    """A publication time as an interval: a date alone covers that whole day (UTC)."""

    text: str
    start: datetime
    end: datetime
    inferred: bool = False  # read off the page or a dateline, not given with the document

    @property
    def label(self) -> str:
        """The time as shown and as stored: an inferred one says so (parse_published reads it back)."""
        return f"{self.text}{INFERRED}" if self.inferred else self.text

    @property
    def is_day(self) -> bool:
        return self.end - self.start >= timedelta(days=1)

    def before(self, other: Published) -> bool:
        """True only when this time certainly precedes the other (the intervals do not touch)."""
        return self.end <= other.start


def parse_published(text: str) -> Published:
    """Parse ISO 8601: a date (whole day) or a datetime; a datetime without offset is UTC.
    A label ending in " (inferred)" reads back as the inferred time it was written from.

    Raises ValueError with a readable message.
    """
    value = text.strip()
    if value.endswith(INFERRED):
        return inferred_time(value[: -len(INFERRED)].strip())
    if _DATE_ONLY.match(value):
        day = date.fromisoformat(value)
        start = datetime.combine(day, time(0), tzinfo=timezone.utc)
        return Published(value, start, start + timedelta(days=1))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"unparseable date {text!r} (expected ISO 8601, e.g. 2016-03-14 or 2016-03-14T18:00:00+00:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    # A datetime is an instant; the interval is closed-open, so give it the smallest width.
    return Published(value, moment, moment + timedelta(microseconds=1))


def inferred_time(value: str) -> Published:
    """An inferred ISO time. With a zone it is that instant; a local date or time of unknown
    zone stands for every UTC reading it may have, from 14 hours before to 12 hours after."""
    given = parse_published(value)
    if not _DATE_ONLY.match(value) and datetime.fromisoformat(value).tzinfo is not None:
        return Published(value, given.start, given.end, inferred=True)
    return Published(value, given.start - timedelta(hours=14), given.end + timedelta(hours=12), inferred=True)


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# A month's first letter, the word boundary checked just after it, then the rest of its name:
# the regex engine skips ahead to those letters fast, which a leading \b prevents (3.5x the cost).
_MONTH_NAME = "|".join(f"(?<={name[0]}){name[1:]}" for name in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"))
_MONTH = rf"([JFMASOND](?<!\w[JFMASOND])(?:{_MONTH_NAME}))[a-z]*\.?\s+(\d{{1,2}})"
# "May 20 2016 11:40 PM", "May 20, 2016", "Oct. 4, 2015, 10:05 a.m." near the top of a text.
_DATELINE = re.compile(_MONTH + r",?\s+(\d{4})(?:,?\s+(\d{1,2}):(\d{2})\s*([AaPp])\.?[Mm]\.?)?")
# "DAMASCUS, Oct. 4 (UPI) --" or "BEIRUT, May 20 —": a wire dateline that leaves the year out.
_YEARLESS = re.compile(_MONTH + r"\s*(?:\([A-Z][\w .&-]{0,30}\)\s*)?(?:--|—|–)")
_URL_YEAR = re.compile(r"/((?:19|20)\d{2})/")
DATELINE_REACH = 600  # characters at the top of a text searched for a dateline


def infer_published(body: str, url: str | None = None, seen: datetime | None = None) -> Published | None:
    """A publication time read off a dateline near the top of a text, or None. The zone is not
    printed, so the time stands for every UTC reading it may have (see ``inferred_time``).

    A dateline without a year ("Oct. 4 (UPI) --") takes it from a year in the page's ``url``
    (".../2015/10/04/...") or else from the time the page was ``seen`` (a crawl time: the latest
    such date not after it); with neither it gives no date.
    """
    top = body[:DATELINE_REACH]
    match = _DATELINE.search(top)
    if match:
        month, day, year, hour, minute, half = match.groups()
        try:
            if hour is None:
                return inferred_time(date(int(year), _MONTHS[month.lower()], int(day)).isoformat())
            clock = int(hour) % 12 + (12 if half.lower() == "p" else 0)
            return inferred_time(datetime(int(year), _MONTHS[month.lower()], int(day), clock, int(minute)).isoformat())
        except ValueError:
            return None  # "Feb 30": no date
    match = _YEARLESS.search(top)
    if not match:
        return None
    month, day = _MONTHS[match.group(1).lower()], int(match.group(2))
    in_url = _URL_YEAR.search(url or "")
    try:
        if in_url:
            return inferred_time(date(int(in_url.group(1)), month, day).isoformat())
        if seen is not None:
            year = seen.year if (month, day) <= (seen.month, seen.day) else seen.year - 1
            return inferred_time(date(year, month, day).isoformat())
    except ValueError:
        return None
    return None
