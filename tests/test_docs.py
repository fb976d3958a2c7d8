"""Tests that the docs/ pages describe the integration as the code builds it.

The sensor table names the sensors the integration creates, the history table gives the
estimates the options form gives, every YAML example is valid, and the pages' links resolve
on GitHub.
"""

from datetime import timedelta
import re

import pytest
import yaml

from custom_components.flipsnack.const import HISTORY_DAY_CHOICES
from custom_components.flipsnack.history_plan import import_duration
from custom_components.flipsnack.history_rows import statistic_id
from custom_components.flipsnack.sensor import (
    ACCOUNT_SENSORS,
    ORDERS_SENSOR,
    order_value_sensor,
)

from .markdown import anchors, code_blocks, links, section
from .user_guide import (
    DOC_PAGES,
    EXAMPLE_ALL_TRACKED_VIEWS,
    GITHUB_FILES,
    HISTORY_SENSORS,
    PAGES,
    RAW_FILES,
    ROOT,
    STRINGS,
    page,
    resolves,
)

# The table's dash for a sensor without unit or state class.
NONE = "\N{EN DASH}"


def test_sensor_table_names_the_sensors() -> None:
    """The first column of the sensor table is the sensor names, in the integration's order."""
    rows = [
        line
        for line in section(page("sensors.md"), "## The sensors").splitlines()
        if line.startswith("|")
    ]
    assert len(rows) > 2, "the Sensors section has no table"
    _header, separator, *body = rows
    assert set(separator) <= set("|-: ")
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in body]
    sensors = (*ACCOUNT_SENSORS, *HISTORY_SENSORS)
    assert [row[0] for row in cells] == [
        STRINGS["entity"]["sensor"][description.translation_key]["name"].format(
            **(description.translation_placeholders or {})
        )
        for description in sensors
    ]
    assert [row[1] for row in cells[len(ACCOUNT_SENSORS) :]] == [
        description.native_unit_of_measurement or NONE
        for description in HISTORY_SENSORS
    ]
    assert [row[2] for row in cells] == [
        str(description.state_class or NONE) for description in sensors
    ]


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(block, id=f"{name}-yaml-{number}")
        for name, text in PAGES.items()
        for number, block in enumerate(code_blocks(text, "yaml"), start=1)
    ],
)
def test_yaml_example_parses(block: str) -> None:
    """Every YAML example of the README and the docs pages is valid YAML with content."""
    assert yaml.safe_load(block)


def test_order_dashboard_shows_orders_per_day_and_revenue_per_week() -> None:
    """The order dashboard graphs the change of each sensor's statistics per period."""
    blocks = code_blocks(
        section(page("orders.md"), "## Order dashboard example"), "yaml"
    )
    assert len(blocks) == 1
    cards = yaml.safe_load(blocks[0])["cards"]
    assert [
        (card["type"], card["period"], [row["entity"] for row in card["entities"]])
        for card in cards
    ] == [
        ("statistics-graph", "day", [f"sensor.flipsnack_7832_{ORDERS_SENSOR.key}"]),
        (
            "statistics-graph",
            "week",
            [f"sensor.flipsnack_7832_{order_value_sensor('EUR').key}"],
        ),
    ]
    assert all(card["stat_types"] == ["change"] for card in cards)


def _spoken_duration(duration: timedelta) -> str:
    """Return a duration as the README's history table writes it."""
    minutes = round(duration.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} minutes"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{round(minutes / (24 * 60))} days"


def test_history_costs_are_the_estimates_the_form_gives() -> None:
    """Each cell of the history table is history_plan's estimate, as the form shows it."""
    table = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section(page("history.md"), "## What history costs").splitlines()
        if line.startswith("| ") and line[2].isdigit()
    ]
    assert [row[0] for row in table] == ["10", "100", "1,000"]
    for row in table:
        flipbooks = int(row[0].replace(",", ""))
        assert row[1:] == [
            _spoken_duration(import_duration(flipbooks, days))
            for days in HISTORY_DAY_CHOICES
        ]


def test_history_example_ids_have_the_shape_of_the_statistics() -> None:
    """The dashboard example's ids are statistic ids of a flipbook and of all tracked."""
    example = section(
        page("history.md"), "## Dashboard example: daily views of a flipbook"
    )
    ids = set(re.findall(r"flipsnack:[a-z0-9_]+", example))
    assert ids == {
        statistic_id("01JEXAMPLEENTRY", "spring-catalog-hash", "views"),
        EXAMPLE_ALL_TRACKED_VIEWS,
    }


@pytest.mark.parametrize(
    "name", [*(f"docs/{path.name}" for path in DOC_PAGES), "CONTRIBUTING.md"]
)
def test_docs_links_resolve(name: str) -> None:
    """Every relative link and picture of a docs page (or CONTRIBUTING) reaches a file.

    They are read on GitHub, where relative links work; an anchor must name a heading of
    its page, and a link into the repository by URL must reach a file too.
    """
    text = (ROOT / name).read_text(encoding="utf-8")
    problems = []
    for _, target in links(text):
        if target.startswith("#"):
            if target[1:] not in anchors(text):
                problems.append(f"no heading {target} in {name}")
        elif target.startswith(GITHUB_FILES):
            path, _, anchor = target.removeprefix(GITHUB_FILES).partition("#")
            if why := resolves(ROOT / path, anchor):
                problems.append(f"{target}: {why}")
        elif target.startswith(RAW_FILES):
            if why := resolves(ROOT / target.removeprefix(RAW_FILES), ""):
                problems.append(f"{target}: {why}")
        elif "://" not in target and not target.startswith("mailto:"):
            path, _, anchor = target.partition("#")
            if why := resolves((ROOT / name).parent / path, anchor):
                problems.append(f"{target}: {why}")
    assert not problems, "\n".join(problems)


def test_docs_pages_link_back_to_the_readme() -> None:
    """Each docs page says where it belongs in the README."""
    for path in DOC_PAGES:
        assert "](../README.md#" in path.read_text(encoding="utf-8"), path.name
