"""Tests that the README and the docs/ pages describe the integration as the code builds it.

The sensor table must name the sensors the integration creates, every YAML example must be
valid, and the examples must use the entity ids Home Assistant gives the sensors of an entry
titled "Flipsnack …7832". The README's pictures and links must work inside HACS, which shows
the README inside Home Assistant, where relative paths break; the docs pages' links must
resolve on GitHub.
"""

from datetime import timedelta
import json
from pathlib import Path
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.webhook import async_generate_path
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util import slugify
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import yaml

from custom_components.flipsnack.const import DOMAIN, HISTORY_DAY_CHOICES
from custom_components.flipsnack.history_plan import import_duration
from custom_components.flipsnack.history_rows import ALL_TRACKED, statistic_id
from custom_components.flipsnack.sensor import (
    ACCOUNT_SENSORS,
    HISTORY_IMPORT_SENSOR,
    MOST_VIEWED_SENSOR,
    ORDERS_SENSOR,
    order_value_sensor,
)

from . import add_spring_catalog, setup_integration
from .const import WEBHOOK_ID
from .fake_flipsnack import FakeFlipsnack, FakeOrderItem, order_post
from .test_orders import BUYER, ENTITY_ID as ORDER_ENTITY_ID
from .test_webhook import ENTITY_ID as LEAD_FORM_ENTITY_ID, FIELDS, LEAD

# The README's statistic of all tracked flipbooks' views, of an example entry.
EXAMPLE_ALL_TRACKED_VIEWS = statistic_id("01JEXAMPLEENTRY", ALL_TRACKED, "views")

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
INTEGRATION = ROOT / "custom_components" / "flipsnack"
STRINGS = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
GERMAN = json.loads(
    (INTEGRATION / "translations" / "de.json").read_text(encoding="utf-8")
)
MANIFEST = json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))


def page(name: str) -> str:
    """Return the text of a docs page, such as "history.md"."""
    return (DOCS / name).read_text(encoding="utf-8")


# The docs pages, read on GitHub, and the README with them: the files the examples are in.
DOC_PAGES = sorted(DOCS.glob("*.md"))
PAGES = {
    "README.md": README,
    **{f"docs/{path.name}": path.read_text(encoding="utf-8") for path in DOC_PAGES},
}
# The repository the manifest names, and its files as HACS and GitHub reach them.
REPOSITORY = MANIFEST["documentation"].rstrip("/")
REPOSITORY_PATH = REPOSITORY.removeprefix("https://github.com/")
RAW_FILES = f"https://raw.githubusercontent.com/{REPOSITORY_PATH}/main/"
GITHUB_FILES = f"{REPOSITORY}/blob/main/"
ENTITY_IDS = [
    f"sensor.flipsnack_7832_{description.key}" for description in ACCOUNT_SENSORS
]
# The account's sensors of the history import and of orders (the table shows the euro's
# Order value), after its figures in the sensor table.
HISTORY_SENSORS = (
    HISTORY_IMPORT_SENSOR,
    MOST_VIEWED_SENSOR,
    ORDERS_SENSOR,
    order_value_sensor("EUR"),
)
# The table's dash for a sensor without unit or state class.
NONE = "\N{EN DASH}"
HISTORY_ENTITY_IDS = [
    f"sensor.flipsnack_7832_{description.key}" for description in HISTORY_SENSORS
]
ENTITY_ID_PATTERN = re.compile(r"\bsensor\.flipsnack_[a-z0-9_]+")
PICTURE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
# A link or a picture: [text](target) or ![description](target).
LINK = re.compile(r"(!?)\[[^\]]*\]\(([^)\s]+)\)")
# Pictures load with the README, on GitHub and in HACS.
MAX_PICTURE_BYTES = 200_000
FENCE = re.compile(r"^```(\S*)\s*$")


def _blocks_and_lines(markdown: str) -> list[tuple[str, str | None]]:
    """Return each line with the language of the code block it is in (None outside)."""
    result: list[tuple[str, str | None]] = []
    language: str | None = None
    for line in markdown.splitlines():
        fence = FENCE.match(line)
        if fence and language is None:
            language = fence.group(1) or "text"
            result.append((line, None))
        elif fence and not fence.group(1):
            language = None
            result.append((line, None))
        else:
            result.append((line, language))
    return result


def section(markdown: str, heading: str) -> str:
    """Return the text under a heading, up to the next heading of the same or a higher level.

    Lines inside code blocks never count as headings.
    """
    level = len(heading) - len(heading.lstrip("#"))
    lines = _blocks_and_lines(markdown)
    starts = [
        i for i, (line, lang) in enumerate(lines) if lang is None and line == heading
    ]
    assert len(starts) == 1, f"README needs exactly one heading {heading!r}"
    body = []
    for line, lang in lines[starts[0] + 1 :]:
        match = re.match(r"^(#+) ", line) if lang is None else None
        if match and len(match.group(1)) <= level:
            break
        body.append(line)
    return "\n".join(body)


def code_blocks(markdown: str, language: str) -> list[str]:
    """Return the contents of the fenced code blocks of a language, in order."""
    blocks: list[str] = []
    current: list[str] | None = None
    for line, lang in _blocks_and_lines(markdown):
        if lang is None:
            if current is not None:
                blocks.append("\n".join(current))
                current = None
            elif (fence := FENCE.match(line)) and fence.group(1) == language:
                current = []
        elif current is not None:
            current.append(line)
    return blocks


def prose(markdown: str) -> str:
    """Return the text outside code blocks, without inline code."""
    lines = [line for line, lang in _blocks_and_lines(markdown) if lang is None]
    return re.sub(r"`[^`\n]*`", "", "\n".join(lines))


def anchors(markdown: str) -> set[str]:
    """Return the anchors GitHub gives the headings of a page."""
    seen: dict[str, int] = {}
    result: set[str] = set()
    for line, lang in _blocks_and_lines(markdown):
        heading = re.match(r"^#+ (.+)$", line) if lang is None else None
        if heading is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower())
        slug = slug.replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(f"{slug}-{count}" if count else slug)
    return result


def links(markdown: str) -> list[tuple[bool, str]]:
    """Return each link and picture as (is a picture, target), outside code."""
    return [(bang == "!", target) for bang, target in LINK.findall(prose(markdown))]


def _resolves(path: Path, anchor: str) -> str | None:
    """Return why a file with this anchor is missing from the repository, or None."""
    if not path.resolve().is_relative_to(ROOT) or not path.is_file():
        return f"no file {path}"
    if anchor and anchor not in anchors(path.read_text(encoding="utf-8")):
        return f"no heading #{anchor} in {path.name}"
    return None


def strings_in(node: Any) -> list[str]:
    """Return every string in a parsed YAML document, keys included."""
    if isinstance(node, dict):
        return [
            text
            for key, value in node.items()
            for text in (*strings_in(key), *strings_in(value))
        ]
    if isinstance(node, list):
        return [text for item in node for text in strings_in(item)]
    return [node] if isinstance(node, str) else []


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


def test_readme_names_the_account_sensors_and_their_ids() -> None:
    """The README's Account sensors table gives each account sensor's name and entity id."""
    cells = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section(README, "### Account sensors").splitlines()
        if line.startswith("| ") and "`" in line
    ]
    assert cells == [
        [
            STRINGS["entity"]["sensor"][description.translation_key]["name"],
            f"`sensor.flipsnack_7832_{description.key}`",
        ]
        for description in ACCOUNT_SENSORS
    ]


def test_yaml_examples_exist() -> None:
    """The README shows the dashboard, the two automations and the logger settings."""
    assert len(code_blocks(README, "yaml")) >= 4


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


def test_automations_have_triggers_and_actions() -> None:
    """Both example automations parse into automations with triggers and actions."""
    blocks = code_blocks(section(README, "### Automations"), "yaml")
    assert len(blocks) == 2
    for block in blocks:
        parsed = yaml.safe_load(block)
        automations = parsed if isinstance(parsed, list) else [parsed]
        assert automations
        for automation in automations:
            assert isinstance(automation, dict), block
            triggers = automation.get("triggers", automation.get("trigger"))
            actions = automation.get("actions", automation.get("action"))
            assert triggers, f"no trigger in {block}"
            assert actions, f"no action in {block}"


def test_dashboard_uses_the_five_sensors() -> None:
    """The dashboard shows all five sensors and refers to no other entity."""
    blocks = code_blocks(section(README, "### Dashboard"), "yaml")
    assert len(blocks) == 1
    dashboard = yaml.safe_load(blocks[0])
    referenced = {
        entity_id
        for text in strings_in(dashboard)
        for entity_id in re.findall(r"\b[a-z_]+\.[a-z0-9_]+\b", text)
    }
    assert referenced
    assert referenced <= set(ENTITY_IDS), referenced - set(ENTITY_IDS)

    cards = [card for view in dashboard["views"] for card in view["cards"]]
    entities_cards = [card for card in cards if card["type"] == "entities"]
    assert len(entities_cards) == 1
    rows = entities_cards[0]["entities"]
    assert [row["entity"] for row in rows] == ENTITY_IDS
    assert {card["type"] for card in cards} >= {"entities", "statistics-graph", "gauge"}


def test_dashboard_names_its_rows() -> None:
    """Every entity in the dashboard has a short name, not the device's name again.

    Without one a card shows "Flipsnack …7832 Impressions", "Flipsnack …7832 Views", …
    """
    (block,) = code_blocks(section(README, "### Dashboard"), "yaml")
    cards = [card for view in yaml.safe_load(block)["views"] for card in view["cards"]]
    names = {
        f"sensor.flipsnack_7832_{description.key}": STRINGS["entity"]["sensor"][
            description.translation_key
        ]["name"]
        for description in ACCOUNT_SENSORS
    }
    names[EXAMPLE_ALL_TRACKED_VIEWS] = "All tracked flipbooks"
    rows = [row for card in cards for row in card.get("entities", ())]
    assert rows
    for row in rows:
        assert row["name"] == names[row["entity"]], row


def _german_entity_id(description: Any) -> str:
    """Return the id a German installation gives an account sensor of Flipsnack …7832."""
    name = GERMAN["entity"]["sensor"][description.translation_key]["name"]
    return f"sensor.{slugify(f'flipsnack_7832 {name}')}"


# The ids of the account sensors in a German installation, which the README warns of.
GERMAN_ENTITY_IDS = [_german_entity_id(description) for description in ACCOUNT_SENSORS]


def test_every_entity_id_in_the_readme_exists() -> None:
    """Every Flipsnack entity id the README and docs mention is one the integration creates.

    The README's warning to non-English installations may name the German ids too.
    """
    mentioned = {
        entity_id
        for text in PAGES.values()
        for entity_id in ENTITY_ID_PATTERN.findall(text)
    }
    assert mentioned
    created = {*ENTITY_IDS, *HISTORY_ENTITY_IDS, *GERMAN_ENTITY_IDS}
    assert mentioned <= created, mentioned - created
    assert set(ENTITY_ID_PATTERN.findall(README)) & set(GERMAN_ENTITY_IDS) - set(
        ENTITY_IDS
    ), "the README names no German entity id"


def test_non_english_installs_are_warned_where_entity_ids_are_first_shown() -> None:
    """The README section that first shows an entity id says what a German install makes.

    Home Assistant makes an entity's id from its name in its language: in German the views
    sensor is sensor.flipsnack_7832_aufrufe, and the examples must be adapted.
    """
    first = README.index("sensor.flipsnack_7832_")
    headings = [match.start() for match in re.finditer(r"^#+ ", README, re.MULTILINE)]
    start = max(position for position in headings if position < first)
    end = min(position for position in headings if position > first)
    views = ACCOUNT_SENSORS[[d.key for d in ACCOUNT_SENSORS].index("views")]
    assert _german_entity_id(views) == "sensor.flipsnack_7832_aufrufe"
    assert _german_entity_id(views) in README[start:end]
    assert "sensor.flipsnack_7832_views" in README[start:end]


def test_every_event_entity_id_in_the_readme_exists() -> None:
    """The event entities the README and docs mention are the Lead form and Order entities."""
    for text in (README, "\n".join(PAGES.values())):
        assert set(re.findall(r"\bevent\.flipsnack_[a-z0-9_]+", text)) == {
            LEAD_FORM_ENTITY_ID,
            ORDER_ENTITY_ID,
        }


async def _set_up_automation(
    hass: HomeAssistant, text: str, heading: str
) -> list[ServiceCall]:
    """Set up the first automation under heading; return the notifications it sends."""
    blocks = code_blocks(section(text, heading), "yaml")
    calls = async_mock_service(hass, "notify", "mobile_app_your_phone")
    assert await async_setup_component(
        hass, "automation", {"automation": [yaml.safe_load(blocks[0])]}
    )
    await hass.async_block_till_done()
    return calls


async def test_lead_form_automation_runs(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    init_lead_forms: MockConfigEntry,
) -> None:
    """The lead form automation of docs/lead-forms.md notifies once for each lead."""
    calls = await _set_up_automation(
        hass, page("lead-forms.md"), "## Automation examples"
    )
    client = await hass_client_no_auth()

    for timestamp in (1, 2):
        response = await client.post(
            async_generate_path(WEBHOOK_ID), json={**LEAD, "timestamp": timestamp}
        )
        assert response.status == 200
        await hass.async_block_till_done()

    assert len(calls) == 2
    assert calls[0].data == {
        "title": f"New lead from {LEAD['flipbook_title']}",
        "message": "\n".join(f"{name}: {value}" for name, value in FIELDS.items()),
    }

    # Reloading the entry brings back the last lead; it must not notify again.
    assert await hass.config_entries.async_reload(init_lead_forms.entry_id)
    await hass.async_block_till_done()
    assert len(calls) == 2


async def test_order_automation_runs(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    init_orders: MockConfigEntry,
) -> None:
    """The order automation of docs/orders.md notifies of large orders, with the items."""
    calls = await _set_up_automation(
        hass, page("orders.md"), "## Order automation example"
    )
    client = await hass_client_no_auth()
    large = [
        FakeOrderItem(sku="SOFA-3", name="Sofa", price=1249),
        FakeOrderItem(sku="CHAIR", name="Chair", quantity=4, price=189.5),
    ]
    small = [FakeOrderItem(sku="THROW", name="Throw", price=59.9)]
    for order in (
        order_post("FS-1", large, buyer=BUYER, currency="EUR"),
        order_post("FS-2", small, buyer=BUYER, currency="EUR"),
        order_post("FS-3", large, buyer=BUYER, currency="RON"),
        order_post("FS-4", [FakeOrderItem(sku="S", name="Swatch")], buyer=BUYER),
    ):
        response = await client.post(async_generate_path(WEBHOOK_ID), json=order)
        assert response.status == 200
        await hass.async_block_till_done()

    assert [call.data for call in calls] == [
        {
            "title": "Order of 2007.0 EUR",
            "message": "1 x Sofa (SOFA-3)\n4 x Chair (CHAIR)",
        }
    ]


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


async def test_statistics_script_runs_and_the_response_is_as_shown(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> None:
    """The script of docs/actions.md notifies last week's figures of the flipbook.

    On Tuesday 10 March 2026 last week is 2 to 8 March: the figures of 1 and 9 March stay
    out. Asked for its pages, the action answers what the page shows, and the README's
    call asks for the same flipbook and week.
    """
    actions = section(page("actions.md"), "# Actions")
    response_example, script, weekly = code_blocks(actions, "yaml")
    freezer.move_to("2026-03-10T17:00:00+00:00")
    add_spring_catalog(flipsnack)
    await setup_integration(hass, mock_config_entry)
    calls = async_mock_service(hass, "notify", "mobile_app_your_phone")
    config = yaml.safe_load(script.replace("YOUR_ENTRY_ID", mock_config_entry.entry_id))
    assert await async_setup_component(
        hass, "script", {"script": {"flipsnack_views_of_last_week": config}}
    )
    # Later than the setup's call, the scheduler lets the listing and the statistics
    # call through at once, without simulated time having to pass.
    freezer.tick(timedelta(minutes=1))

    await hass.services.async_call(
        "script",
        "flipsnack_views_of_last_week",
        {"flipbook": "Spring catalog"},
        blocking=True,
    )

    assert [call.data for call in calls] == [
        {
            "title": "Spring catalog",
            "message": "37 views and 115 impressions from 2026-03-02 to 2026-03-08.",
        }
    ]
    weekly_actions = yaml.safe_load(weekly)["actions"]
    assert weekly_actions[0]["action"] == "script.flipsnack_views_of_last_week"

    freezer.tick(timedelta(minutes=1))
    response = await hass.services.async_call(
        DOMAIN,
        "get_statistics",
        {
            "config_entry_id": mock_config_entry.entry_id,
            "flipbook": "spring-catalog",
            "start_date": "2026-03-02",
            "end_date": "2026-03-08",
            "include_pages": True,
        },
        blocking=True,
        return_response=True,
    )
    assert response == yaml.safe_load(response_example)

    (readme_call,) = code_blocks(section(README, "### The action"), "yaml")
    call = yaml.safe_load(readme_call)
    assert call["action"] == f"{DOMAIN}.get_statistics"
    assert call["response_variable"]
    assert call["data"] == {
        "config_entry_id": "YOUR_ENTRY_ID",
        "flipbook": "Spring catalog",
        "start_date": "2026-03-02",
        "end_date": "2026-03-08",
    }


def _picture_path(name: str, target: str) -> str:
    """Return the repository path of a picture a page shows.

    The README's are absolute URLs of the repository's raw files, which work inside HACS
    too; a docs page's are relative to docs/.
    """
    if name == "README.md":
        assert target.startswith(RAW_FILES), f"{target} is not under {RAW_FILES}"
        return target.removeprefix(RAW_FILES)
    assert "://" not in target, target
    return (Path(name).parent / target).as_posix()


def _shown_pictures() -> list[tuple[str, str]]:
    """Return each picture of the README and the docs pages: description, path."""
    return [
        (description, _picture_path(name, target))
        for name, text in PAGES.items()
        for description, target in PICTURE.findall(text)
    ]


def test_every_picture_exists_and_is_small() -> None:
    """Every picture shown is a PNG in docs/images/, under 200 kB, described.

    scripts/screenshots takes them; their text says what they show, for those who
    can't see them.
    """
    assert PICTURE.findall(README)
    pictures = _shown_pictures()
    for description, path in pictures:
        assert path.startswith("docs/images/"), path
        picture = ROOT / path
        assert picture.is_file(), f"{path} is missing; run scripts/screenshots"
        assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), path
        assert picture.stat().st_size < MAX_PICTURE_BYTES, path
        assert len(description.split()) >= 5, path


def test_every_picture_in_docs_images_is_shown() -> None:
    """No picture in docs/images/ is left over: the README or a docs page shows each."""
    shown = {ROOT / path for _, path in _shown_pictures()}
    assert set((ROOT / "docs" / "images").iterdir()) <= shown


def test_readme_sections_are_in_a_readers_order() -> None:
    """The README goes from what it needs to what you get, examples, help and links."""
    headings = [
        line
        for line, lang in _blocks_and_lines(README)
        if lang is None and line.startswith(("## ", "### "))
    ]
    assert [line for line in headings if line.startswith("## ")] == [
        "## Contents",
        "## Prerequisites",
        "## Installation",
        "## Configuration",
        "## What you get",
        "## Examples",
        "## Troubleshooting",
        "## Removal",
        "## Links",
    ]
    assert [
        line
        for line in section(README, "## What you get").splitlines()
        if line.startswith("### ")
    ] == [
        "### Account sensors",
        "### Flipbooks",
        "### History",
        "### Lead forms",
        "### Orders",
        "### The action",
    ]
    # Every section of the README is in its table of contents.
    contents = {target for _, target in links(section(README, "## Contents"))}
    assert {
        f"#{anchor}" for anchor in anchors("\n".join(h for h in headings if "## " in h))
    } - {"#contents", "#with-hacs-recommended", "#by-hand", "#languages"} <= contents


def test_readme_is_short() -> None:
    """The README is a guide read top to bottom; the details are in docs/ pages.

    About 15 kB of text, and the absolute URLs HACS needs.
    """
    assert len(README.encode()) < 19_000


def test_development_section_starts_with_develop_and_test() -> None:
    """CONTRIBUTING.md opens with Development and its two everyday commands.

    The README has no development section: it is for users.
    """
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    headings = [
        line
        for line, lang in _blocks_and_lines(contributing)
        if lang is None and line.startswith("## ")
    ]
    assert headings[0] == "## Development"
    assert "## Development" not in README
    first_section = contributing.split("\n## ", 1)[0]
    assert first_section.strip() == "# Contributing"
    blocks = code_blocks(section(contributing, "## Development"), "bash")
    assert blocks, "the Development section has no bash block"
    assert blocks[0].splitlines()[:2] == ["scripts/develop", "scripts/test"]


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


def test_dashboard_graph_is_the_views_of_all_tracked_flipbooks() -> None:
    """The dashboard's Views per day is history's all-tracked statistic, by day."""
    (block,) = code_blocks(section(README, "### Dashboard"), "yaml")
    cards = [card for view in yaml.safe_load(block)["views"] for card in view["cards"]]
    (graph,) = [card for card in cards if card["type"] == "statistics-graph"]
    assert [row["entity"] for row in graph["entities"]] == [EXAMPLE_ALL_TRACKED_VIEWS]
    assert (graph["period"], graph["stat_types"]) == ("day", ["change"])


def _readme_picture_problem(target: str) -> str | None:
    """Return why a picture of the README breaks inside HACS, or None."""
    if not target.startswith(RAW_FILES):
        return f"a picture must be under {RAW_FILES}"
    return _resolves(ROOT / target.removeprefix(RAW_FILES), "")


def _readme_link_problem(target: str) -> str | None:
    """Return why a link of the README breaks inside HACS, or None."""
    if target.startswith("#"):
        return (
            None if target[1:] in anchors(README) else "no such heading in the README"
        )
    if target.startswith(GITHUB_FILES):
        path, _, anchor = target.removeprefix(GITHUB_FILES).partition("#")
        return _resolves(ROOT / path, anchor)
    if target.startswith((f"{REPOSITORY}/blob/", f"{REPOSITORY}/tree/")) or (
        REPOSITORY_PATH in target and "raw.githubusercontent.com" in target
    ):
        return f"a file of the repository must be under {GITHUB_FILES}"
    if not re.match(r"^https?://[^/]+\.[a-z]+(/|$)", target):
        return "relative: it breaks inside HACS"
    return None


def test_readme_links_work_inside_hacs() -> None:
    """Every picture and link of the README works on GitHub and inside HACS.

    HACS shows the README inside Home Assistant, where a relative path points at the
    user's own Home Assistant. So a picture is an absolute URL of the raw file and a link
    to a file of the repository an absolute GitHub URL, both built from the repository
    the manifest names and both reaching a file that exists (and a heading, for an
    anchor); an in-page anchor names a heading of the README; anything else is an
    external URL.
    """
    found = links(README)
    assert found
    problems = [
        f"{target}: {why}"
        for is_picture, target in found
        if (
            why := (_readme_picture_problem if is_picture else _readme_link_problem)(
                target
            )
        )
    ]
    assert not problems, "\n".join(problems)
    # The links to the docs pages reach every one of them.
    linked = {
        target.removeprefix(GITHUB_FILES).partition("#")[0]
        for _, target in found
        if target.startswith(GITHUB_FILES)
    }
    assert {f"docs/{path.name}" for path in DOC_PAGES} <= linked


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
            if why := _resolves(ROOT / path, anchor):
                problems.append(f"{target}: {why}")
        elif target.startswith(RAW_FILES):
            if why := _resolves(ROOT / target.removeprefix(RAW_FILES), ""):
                problems.append(f"{target}: {why}")
        elif "://" not in target and not target.startswith("mailto:"):
            path, _, anchor = target.partition("#")
            if why := _resolves((ROOT / name).parent / path, anchor):
                problems.append(f"{target}: {why}")
    assert not problems, "\n".join(problems)


def test_docs_pages_link_back_to_the_readme() -> None:
    """Each docs page says where it belongs in the README."""
    for path in DOC_PAGES:
        assert "](../README.md#" in path.read_text(encoding="utf-8"), path.name
