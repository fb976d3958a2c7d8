"""Tests for reading Flipsnack's webhook posts, without Home Assistant."""

from datetime import UTC, datetime
from typing import Any

import pytest

from custom_components.flipsnack.webhook_posts import (
    MAX_FIELDS,
    MAX_NAME_LENGTH,
    MAX_VALUE_LENGTH,
    PostIgnoredError,
    parse_lead,
)

from .test_webhook import FIELDS, LEAD

RECEIVED_AT = datetime(2026, 5, 4, 10, 0, 2, tzinfo=UTC)


def lead_post(**changes: Any) -> dict[str, Any]:
    """Return LEAD with some keys changed."""
    return {**LEAD, **changes}


def test_field_values_become_text() -> None:
    """Numbers, choices and empty answers become text; shared labels are all kept."""
    lead, notes = parse_lead(
        lead_post(
            data=[
                {"name": " Company ", "value": None},
                {"name": "Employees", "value": 250},
                {"name": "Budget", "value": 1500.5},
                {"name": "Newsletter", "value": True},
                {"name": "Call me", "value": False},
                {"name": "Interests", "value": ["Catalogs", "Brochures"]},
                {"name": "Interests", "value": "Magazines"},
                {"name": "Interests"},
            ],
            flipbook_title="  Spring catalog 2026 ",
            datetime="2026-05-04T12:00:00+02:00",
        ),
        received_at=RECEIVED_AT,
    )
    assert lead.fields == {
        "Company": "",
        "Employees": "250",
        "Budget": "1500.5",
        "Newsletter": "true",
        "Call me": "false",
        "Interests": "Catalogs, Brochures",
        "Interests (2)": "Magazines",
        "Interests (3)": "",
    }
    assert lead.flipbook_title == "Spring catalog 2026"
    assert lead.event_attributes()["submitted_at"] == "2026-05-04T10:00:00+00:00"
    assert notes == set()


def test_big_leads_are_trimmed() -> None:
    """Field count, names, values and the title are capped so the state stays small."""
    data = {f"{number:03}{'n' * 150}": "v" * 5000 for number in range(MAX_FIELDS + 10)}
    lead, notes = parse_lead(
        lead_post(data=data, flipbook_title="t" * 1000), received_at=RECEIVED_AT
    )

    assert len(lead.fields) == MAX_FIELDS
    assert all(len(name) == MAX_NAME_LENGTH for name in lead.fields)
    assert all(len(value) == MAX_VALUE_LENGTH for value in lead.fields.values())
    assert all(value.endswith("…") for value in lead.fields.values())
    assert len(lead.flipbook_title) == 255
    assert notes == {"too_many_fields", "long_text"}


@pytest.mark.parametrize(
    "text",
    [
        "04/05/2026 10:00",
        "2026-02-30 10:00:00",
        # Valid, but before the first day of the calendar once in UTC.
        "0001-01-01T00:00:00+01:00",
    ],
)
def test_unreadable_datetime_is_the_time_received(text: str) -> None:
    """Flipsnack does not document its datetime format: a lead is never lost to it."""
    lead, notes = parse_lead(lead_post(datetime=text), received_at=RECEIVED_AT)

    assert lead.submitted_at == RECEIVED_AT
    assert lead.fields == FIELDS
    assert notes == {"unparsed_datetime"}


def test_datetime_without_a_zone_is_utc() -> None:
    """Flipsnack's example has no zone; its docs say the time is UTC."""
    lead, notes = parse_lead(LEAD, received_at=RECEIVED_AT)

    assert lead.submitted_at == datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    assert notes == set()


def test_lead_repr_holds_no_field() -> None:
    """A reader's answers stay out of reprs, which Home Assistant may log."""
    lead, _ = parse_lead(LEAD, received_at=RECEIVED_AT)

    assert all(value not in repr(lead) for value in FIELDS.values())
    assert LEAD["flipbook_title"] in repr(lead)


def test_ignored_post_names_only_the_reason() -> None:
    """The error of an ignored post carries its reason, not its content."""
    with pytest.raises(PostIgnoredError) as caught:
        parse_lead(lead_post(data={"Name": {"first": "Ana"}}), received_at=RECEIVED_AT)

    assert caught.value.reason == "invalid_data"
    assert str(caught.value) == "invalid_data"
