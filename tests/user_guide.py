"""The user guide as the tests read it: the README, the docs/ pages and what they name.

The pages' files, the repository's URLs that HACS and GitHub reach them at, and the sensors
and entity ids the examples use, for an entry titled "Flipsnack …7832".
"""

import json
from pathlib import Path

from custom_components.flipsnack.history_rows import ALL_TRACKED, statistic_id
from custom_components.flipsnack.sensor import (
    ACCOUNT_SENSORS,
    HISTORY_IMPORT_SENSOR,
    MOST_VIEWED_SENSOR,
    ORDERS_SENSOR,
    order_value_sensor,
)

from .markdown import anchors

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
INTEGRATION = ROOT / "custom_components" / "flipsnack"
STRINGS = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
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

# The README's statistic of all tracked flipbooks' views, of an example entry.
EXAMPLE_ALL_TRACKED_VIEWS = statistic_id("01JEXAMPLEENTRY", ALL_TRACKED, "views")
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
HISTORY_ENTITY_IDS = [
    f"sensor.flipsnack_7832_{description.key}" for description in HISTORY_SENSORS
]


def resolves(path: Path, anchor: str) -> str | None:
    """Return why a file with this anchor is missing from the repository, or None."""
    if not path.resolve().is_relative_to(ROOT) or not path.is_file():
        return f"no file {path}"
    if anchor and anchor not in anchors(path.read_text(encoding="utf-8")):
        return f"no heading #{anchor} in {path.name}"
    return None
