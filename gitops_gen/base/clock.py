"""The one clock: now, or ``SOURCE_DATE_EPOCH`` when it is set (reproducible reports, tests, CI re-runs).

Policy's "is this exception expired" and drift's ``generated_at`` read the same instant, so a report
and the findings in it never disagree about what day it is.
"""

from __future__ import annotations

import datetime
import os


def now() -> datetime.datetime:
    """The current instant in UTC (``SOURCE_DATE_EPOCH`` seconds when set)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    return datetime.datetime.now(datetime.UTC)


def today() -> datetime.date:
    """The current UTC day."""
    return now().date()
