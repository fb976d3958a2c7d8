"""Fail a test in which Home Assistant reports the integration's use of a deprecated API.

tests/conftest.py runs every test inside `failing_on_deprecation_reports`; what counts as a
report is said in scripts/deprecations.py.
"""

from collections.abc import Iterator
from contextlib import contextmanager
import logging

import pytest

from scripts.deprecations import is_deprecation_report

# Set on a record once a guard has failed with it, so that an enclosing guard (the one of
# tests/conftest.py around a test that proves a guard fails) does not fail with it again.
_FAILED_WITH = "flipsnack_deprecation_failed"


class _Records(logging.Handler):
    """Keeps every record of warning level and above, from any logger and thread."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def failing_on_deprecation_reports() -> Iterator[None]:
    """Fail with Home Assistant's reports about the integration logged within.

    Raises:
        pytest.fail.Exception: Home Assistant reported a deprecated or wrong use.
    """
    handler = _Records()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    reports = [
        record
        for record in handler.records
        if not getattr(record, _FAILED_WITH, False)
        and is_deprecation_report(record.name, record.getMessage())
    ]
    for record in reports:
        setattr(record, _FAILED_WITH, True)
    if reports:
        pytest.fail(
            "Home Assistant reported a deprecated or wrong use by the integration:\n"
            + "\n".join(f"[{r.name}] {r.getMessage()}" for r in reports),
            pytrace=False,
        )
