"""Tests that the README describes the integration as the code builds it.

The README's sensor table, dashboard and automations must use the entity ids Home Assistant
gives the sensors of an entry titled "Flipsnack …7832", and no page may name an entity the
integration doesn't create. The README's pictures and links must work inside HACS, which
shows the README inside Home Assistant, where relative paths break.
"""

import json
from pathlib import Path
import re
from typing import Any

from homeassistant.util import slugify
import yaml

from custom_components.flipsnack.sensor import ACCOUNT_SENSORS

from .markdown import (
    PICTURE,
    anchors,
    blocks_and_lines,
    code_blocks,
    links,
    section,
    strings_in,
)
from .test_orders import ENTITY_ID as ORDER_ENTITY_ID
from .test_webhook import ENTITY_ID as LEAD_FORM_ENTITY_ID
from .user_guide import (
    DOC_PAGES,
    ENTITY_IDS,
    EXAMPLE_ALL_TRACKED_VIEWS,
    GITHUB_FILES,
    HISTORY_ENTITY_IDS,
    INTEGRATION,
    PAGES,
    RAW_FILES,
    README,
    REPOSITORY,
    REPOSITORY_PATH,
    ROOT,
    STRINGS,
    resolves,
)

GERMAN = json.loads(
    (INTEGRATION / "translations" / "de.json").read_text(encoding="utf-8")
)
ENTITY_ID_PATTERN = re.compile(r"\bsensor\.flipsnack_[a-z0-9_]+")
# Pictures load with the README, on GitHub and in HACS.
MAX_PICTURE_BYTES = 200_000


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


def test_dashboard_graph_is_the_views_of_all_tracked_flipbooks() -> None:
    """The dashboard's Views per day is history's all-tracked statistic, by day."""
    (block,) = code_blocks(section(README, "### Dashboard"), "yaml")
    cards = [card for view in yaml.safe_load(block)["views"] for card in view["cards"]]
    (graph,) = [card for card in cards if card["type"] == "statistics-graph"]
    assert [row["entity"] for row in graph["entities"]] == [EXAMPLE_ALL_TRACKED_VIEWS]
    assert (graph["period"], graph["stat_types"]) == ("day", ["change"])


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
        for line, lang in blocks_and_lines(README)
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

    At most about 15 kB of text; the absolute URLs HACS needs come on top.
    """
    urls = [target for _, target in links(README) if target.startswith("https://")]
    assert len(README.encode()) - sum(len(url.encode()) for url in urls) < 15_000


def test_development_section_starts_with_develop_and_test() -> None:
    """CONTRIBUTING.md opens with Development and its two everyday commands.

    The README has no development section: it is for users.
    """
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    headings = [
        line
        for line, lang in blocks_and_lines(contributing)
        if lang is None and line.startswith("## ")
    ]
    assert headings[0] == "## Development"
    assert "## Development" not in README
    first_section = contributing.split("\n## ", 1)[0]
    assert first_section.strip() == "# Contributing"
    blocks = code_blocks(section(contributing, "## Development"), "bash")
    assert blocks, "the Development section has no bash block"
    assert blocks[0].splitlines()[:2] == ["scripts/develop", "scripts/test"]


def _readme_picture_problem(target: str) -> str | None:
    """Return why a picture of the README breaks inside HACS, or None."""
    if not target.startswith(RAW_FILES):
        return f"a picture must be under {RAW_FILES}"
    return resolves(ROOT / target.removeprefix(RAW_FILES), "")


def _readme_link_problem(target: str) -> str | None:
    """Return why a link of the README breaks inside HACS, or None."""
    if target.startswith("#"):
        return (
            None if target[1:] in anchors(README) else "no such heading in the README"
        )
    if target.startswith(GITHUB_FILES):
        path, _, anchor = target.removeprefix(GITHUB_FILES).partition("#")
        return resolves(ROOT / path, anchor)
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
