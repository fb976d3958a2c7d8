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
    assert LEAD["datetime"] not in repr(lead)
    assert LEAD["flipbook_title"] in repr(lead)


def test_ignored_post_names_only_the_reason() -> None:
    """The error of a dropped post carries its reason, not its content."""
    with pytest.raises(PostIgnoredError) as caught:
        parse_lead([{"Name": "Ana"}], received_at=RECEIVED_AT)

    assert caught.value.reason == "not_object"
    assert str(caught.value) == "not_object"


def test_a_post_without_any_readable_part_is_still_a_lead() -> None:
    """Only the type makes a lead form; every other part may be missing."""
    lead, notes = parse_lead({"type": "contact"}, received_at=RECEIVED_AT)

    assert lead.flipbook_hash is None
    assert lead.flipbook_title is None
    assert lead.timestamp is None
    assert lead.submitted_at == RECEIVED_AT
    assert lead.fields == {}
    assert notes == {
        "invalid_flipbook_hash",
        "missing_flipbook_title",
        "invalid_timestamp",
        "unparsed_datetime",
        "invalid_data",
    }


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        pytest.param({"fxh4k89": "Catalogue"}, "Catalogue", id="listed"),
        pytest.param({"fxh4k89": None}, "fxh4k89", id="listed_without_title"),
        pytest.param({"other": "Other"}, "fxh4k89", id="not_listed"),
    ],
)
def test_missing_title_comes_from_the_listing_or_the_hash(
    titles: dict[str, str | None], expected: str
) -> None:
    """A lead without a title is named after its flipbook as the listing knows it."""
    lead, notes = parse_lead(
        lead_post(flipbook_title=""), received_at=RECEIVED_AT, flipbook_titles=titles
    )

    assert lead.flipbook_title == expected
    assert notes == {"missing_flipbook_title"}


def test_field_names_that_are_not_text() -> None:
    """A number as a name is its text; anything else gives the field its position."""
    lead, notes = parse_lead(
        lead_post(
            data=[
                {"name": 7, "value": "seven"},
                {"name": {"label": "x"}, "value": "object"},
                {"name": None, "value": "none"},
                "bare",
                {"name": "#5", "value": "taken"},
            ]
        ),
        received_at=RECEIVED_AT,
    )

    assert lead.fields == {
        "7": "seven",
        "#2": "object",
        "#3": "none",
        "#4": "bare",
        "#5": "taken",
    }
    assert notes == {"unnamed_field"}


def test_a_value_json_cannot_hold_is_left_out() -> None:
    """parse_lead takes any Python value; one no text can render is left out, noted."""
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    lead, notes = parse_lead(
        lead_post(data={"Name": "Ana", "Deep": deep, "Set": {1}}),
        received_at=RECEIVED_AT,
    )

    assert lead.fields == {"Name": "Ana"}
    assert notes == {"unreadable_field"}


@pytest.mark.parametrize(
    ("timestamp", "kept"),
    [
        pytest.param(10**400, True, id="huge_integer"),
        pytest.param(1.5, True, id="float"),
        pytest.param(float("nan"), False, id="nan"),
        pytest.param(float("inf"), False, id="infinity"),
    ],
)
def test_timestamps(timestamp: float, kept: bool) -> None:
    """Any finite number is a timestamp; it only tells Flipsnack's retries apart."""
    lead, notes = parse_lead(lead_post(timestamp=timestamp), received_at=RECEIVED_AT)

    assert (lead.timestamp == timestamp) is kept
    assert notes == (set() if kept else {"invalid_timestamp"})


def test_retries_are_recognised_without_a_timestamp() -> None:
    """The time as posted stands in for a missing timestamp."""
    post = lead_post(timestamp=None)
    first, _ = parse_lead(post, received_at=RECEIVED_AT)
    retry, _ = parse_lead(post, received_at=RECEIVED_AT.replace(minute=5))
    other, _ = parse_lead(
        lead_post(timestamp=None, datetime="2026-05-04 10:02:00"),
        received_at=RECEIVED_AT,
    )

    assert first.digest() == retry.digest()
    assert first.digest() != other.digest()
