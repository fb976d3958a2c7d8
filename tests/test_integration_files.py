"""Tests that keep the integration's data files consistent with its code.

Home Assistant reads only translations/en.json of a custom integration and does not resolve
[%key:...%] references there, so strings.json (the source) must be a resolved copy of it.
"""

from datetime import UTC, datetime
import json
from pathlib import Path
import re
from typing import Any

import pytest
import yaml

from custom_components.flipsnack.config_flow import CREDENTIALS_SCHEMA
from custom_components.flipsnack.errors import _TRANSLATION_KEYS
from custom_components.flipsnack.event import LEAD_KEY, ORDER_KEY
from custom_components.flipsnack.options_flow import WEBHOOK_OPTIONS
from custom_components.flipsnack.sensor import (
    ACCOUNT_SENSORS,
    HISTORY_IMPORT_SENSOR,
    MOST_VIEWED_SENSOR,
    ORDERS_SENSOR,
    order_value_sensor,
)
from custom_components.flipsnack.webhook import ISSUE_UNREADABLE
from custom_components.flipsnack.webhook_orders import EVENT_ORDER_SUBMITTED, Order
from custom_components.flipsnack.webhook_posts import (
    EVENT_CONTACT_SUBMITTED,
    UNREADABLE_REASONS,
    Lead,
)
from custom_components.flipsnack.webhook_url import (
    ISSUE_URL_CHANGED,
    ISSUE_URL_UNAVAILABLE,
    TRANSIENT_PROBLEMS,
    UrlProblem,
)
from scripts.release import newest_dated_version
from tests.test_workflows import release_zip_name

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "flipsnack"

# hacs/integration: custom_components/hacs/utils/validate.py, HACS_MANIFEST_JSON_SCHEMA.
HACS_KEYS = {
    "content_in_root",
    "country",
    "filename",
    "hacs",
    "hide_default_branch",
    "homeassistant",
    "persistent_directory",
    "render_readme",
    "zip_release",
    "name",
}


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _strings(node: Any) -> list[str]:
    """Return every text in a nested translation dictionary."""
    if isinstance(node, dict):
        return [text for child in node.values() for text in _strings(child)]
    return [node]


STRINGS = _load(INTEGRATION / "strings.json")


def test_english_translation_is_strings_json() -> None:
    """translations/en.json is exactly strings.json."""
    assert _load(INTEGRATION / "translations" / "en.json") == STRINGS


def test_translation_texts_follow_hassfest_rules() -> None:
    """No references, bare URLs, HTML or stray spaces in any text."""
    for text in _strings(STRINGS):
        assert text == text.strip(), text
        assert "[%key:" not in text, text
        assert not re.search(r"https?://", text), text
        assert not re.search(r"<[a-z/]", text), text


def test_every_step_describes_every_field() -> None:
    """Each form step names and explains exactly the fields of the schema."""
    fields = {str(key) for key in CREDENTIALS_SCHEMA.schema}
    for step_id in ("user", "reauth_confirm", "reconfigure"):
        step = STRINGS["config"]["step"][step_id]
        assert set(step["data"]) == fields, step_id
        assert set(step["data_description"]) == fields, step_id


def test_lead_forms_options_are_explained() -> None:
    """The webhook step explains its fields, and every reason it cannot turn on."""
    step = STRINGS["options"]["step"]["lead_forms"]
    fields = set(WEBHOOK_OPTIONS)
    assert set(step["data"]) == fields
    assert set(step["data_description"]) == fields
    assert {str(problem) for problem in UrlProblem} <= set(STRINGS["options"]["error"])
    assert (
        "{webhook_url}" in STRINGS["options"]["step"]["lead_forms_url"]["description"]
    )


def test_every_error_has_a_text_in_flow_and_exceptions() -> None:
    """Every key errors.py can produce is explained in the flows and at runtime."""
    keys = {key for _, key in _TRANSLATION_KEYS} | {"unknown"}
    assert keys | {"empty"} == set(STRINGS["config"]["error"])
    assert keys == set(STRINGS["exceptions"]) & keys
    # The options flow shows them too, besides its own and the lead forms' reasons.
    own = {"no_flipbook_chosen", "editable_flipbook", "unknown_flipbook"}
    assert set(STRINGS["options"]["error"]) == (
        keys | own | {str(problem) for problem in UrlProblem}
    )


def test_every_sensor_has_a_name_and_an_icon() -> None:
    """Sensor names and icons come from translation keys, with none left over."""
    keys = {
        description.translation_key
        for description in (
            *ACCOUNT_SENSORS,
            HISTORY_IMPORT_SENSOR,
            MOST_VIEWED_SENSOR,
            ORDERS_SENSOR,
            order_value_sensor("EUR"),
        )
    }
    assert keys == set(STRINGS["entity"]["sensor"])
    icons = _load(INTEGRATION / "icons.json")
    assert keys == set(icons["entity"]["sensor"])


def test_order_value_names_its_currency() -> None:
    """Each currency's sensor has the currency in its name, in every language."""
    description = order_value_sensor("EUR")
    assert description.translation_placeholders == {"currency": "EUR"}
    name = STRINGS["entity"]["sensor"]["order_value"]["name"]
    assert name.format(currency="EUR") == "Order value EUR"


def test_order_entity_has_a_name_an_icon_and_its_event_type() -> None:
    """The Order entity, its event type and its attributes are all translated."""
    event = STRINGS["entity"]["event"]
    attributes = event[ORDER_KEY]["state_attributes"]
    assert set(attributes["event_type"]["state"]) == {EVENT_ORDER_SUBMITTED}
    order = Order(
        order_id="1",
        submitted_at=datetime.now(UTC),
        items=(),
        total_price=None,
        currency=None,
        flipbook_hash=None,
        flipbook_title=None,
        custom_fields={},
        key="k",
    )
    assert set(attributes) == {"event_type", *order.event_attributes()}


def test_lead_form_entity_has_a_name_an_icon_and_its_event_type() -> None:
    """The event entity, its event type and its attributes are all translated."""
    event = STRINGS["entity"]["event"]
    assert set(event) == {LEAD_KEY, ORDER_KEY}
    attributes = event[LEAD_KEY]["state_attributes"]
    assert set(attributes["event_type"]["state"]) == {EVENT_CONTACT_SUBMITTED}
    lead = Lead(
        flipbook_hash="h",
        flipbook_title="t",
        timestamp=0,
        submitted_at=datetime.now(UTC),
        fields={},
    )
    assert set(attributes) == {"event_type", *lead.event_attributes()}
    icons = _load(INTEGRATION / "icons.json")
    assert set(icons["entity"]["event"]) == {LEAD_KEY, ORDER_KEY}


def test_every_repair_issue_has_texts() -> None:
    """Each issue the webhook can raise is explained; only the changed URL is fixable."""
    unavailable = {
        f"{ISSUE_URL_UNAVAILABLE}_{problem}"
        for problem in UrlProblem
        if problem not in TRANSIENT_PROBLEMS
    }
    assert set(STRINGS["issues"]) == {ISSUE_URL_CHANGED, ISSUE_UNREADABLE, *unavailable}
    for key in unavailable:
        assert set(STRINGS["issues"][key]) == {"title", "description"}
    changed = STRINGS["issues"][ISSUE_URL_CHANGED]
    assert set(changed) == {"title", "fix_flow"}
    assert "{webhook_url}" in changed["fix_flow"]["step"]["confirm"]["description"]
    # Each reason a post is dropped for has its count in the text.
    unreadable = STRINGS["issues"][ISSUE_UNREADABLE]
    assert set(unreadable) == {"title", "description"}
    assert set(re.findall(r"{(\w+)}", unreadable["description"])) == {
        "title",
        "count",
        *UNREADABLE_REASONS,
    }


def test_manifest() -> None:
    """The manifest has what hassfest and HACS require, in hassfest's key order."""
    manifest = _load(INTEGRATION / "manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["domain"] == "flipsnack"
    assert manifest["config_flow"] is True
    assert manifest["iot_class"] == "cloud_polling"
    assert manifest["integration_type"] == "service"
    # Lead forms arrive through a webhook, reached through Home Assistant Cloud if set up;
    # the history goes into the recorder's statistics, so it starts after the recorder.
    assert manifest["dependencies"] == ["webhook"]
    assert manifest["after_dependencies"] == ["cloud", "recorder"]
    for key in ("documentation", "issue_tracker"):
        assert manifest[key].startswith("https://github.com/")
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])


def test_manifest_version_is_the_changelogs_newest_release() -> None:
    """The manifest's version is the newest dated section of CHANGELOG.md, if there is one.

    The release workflow stamps the tag's version into the zip's manifest and refuses a tag
    that is not the newest dated section; the manifest in git says the same, so that an
    install by hand from the repository names the release it is. Before the first dated
    section, any version passes (test_manifest checks its form).
    """
    manifest = _load(INTEGRATION / "manifest.json")
    newest = newest_dated_version((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    if newest is not None:
        assert manifest["version"] == newest


def test_changelog_sections() -> None:
    """One [Unreleased] at most; dated sections, newest first, each version once."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.*)$", changelog, re.MULTILINE)
    assert headings
    assert headings.count("[Unreleased]") <= 1
    dated = [heading for heading in headings if heading != "[Unreleased]"]
    versions = []
    for heading in dated:
        match = re.fullmatch(r"\[(\d+)\.(\d+)\.(\d+)\] - (\d{4}-\d{2}-\d{2})", heading)
        assert match, (
            f"## {heading}: neither [Unreleased] first nor [X.Y.Z] - YYYY-MM-DD"
        )
        versions.append(tuple(int(part) for part in match.groups()[:3]))
        datetime.strptime(match.group(4), "%Y-%m-%d")  # noqa: DTZ007 (a date, no time)
    assert versions == sorted(versions, reverse=True)
    assert len(set(versions)) == len(versions)


def test_hacs_json() -> None:
    """hacs.json only has keys HACS accepts and declares a minimum HA version."""
    hacs = _load(ROOT / "hacs.json")
    assert set(hacs) <= HACS_KEYS
    assert hacs["name"] == "Flipsnack"
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", hacs["homeassistant"])


def test_hacs_installs_the_release_zip() -> None:
    """HACS downloads the zip the release workflow attaches (hacs.json's filename)."""
    hacs = _load(ROOT / "hacs.json")
    assert hacs["zip_release"] is True
    assert hacs["filename"] == release_zip_name()
    assert hacs["filename"].endswith(".zip")


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_brand_icons(name: str, size: int) -> None:
    """HACS and Home Assistant 2026.3+ show the icons shipped with the integration."""
    data = (INTEGRATION / "brand" / name).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (size, size)


QUALITY_SCALE_RULES = {
    # Bronze
    "action-setup",
    "appropriate-polling",
    "brands",
    "common-modules",
    "config-flow-test-coverage",
    "config-flow",
    "dependency-transparency",
    "docs-actions",
    "docs-conditions",
    "docs-high-level-description",
    "docs-installation-instructions",
    "docs-removal-instructions",
    "docs-triggers",
    "entity-event-setup",
    "entity-unique-id",
    "has-entity-name",
    "runtime-data",
    "test-before-configure",
    "test-before-setup",
    "unique-config-entry",
    # Silver
    "action-exceptions",
    "config-entry-unloading",
    "docs-configuration-parameters",
    "docs-installation-parameters",
    "entity-unavailable",
    "integration-owner",
    "log-when-unavailable",
    "parallel-updates",
    "reauthentication-flow",
    "test-coverage",
    # Gold
    "devices",
    "diagnostics",
    "discovery-update-info",
    "discovery",
    "docs-data-update",
    "docs-examples",
    "docs-known-limitations",
    "docs-supported-devices",
    "docs-supported-functions",
    "docs-troubleshooting",
    "docs-use-cases",
    "dynamic-devices",
    "entity-category",
    "entity-device-class",
    "entity-disabled-by-default",
    "entity-translations",
    "exception-translations",
    "icon-translations",
    "reconfiguration-flow",
    "repair-issues",
    "stale-devices",
    # Platinum
    "async-dependency",
    "inject-websession",
    "strict-typing",
}


def test_quality_scale_lists_every_rule() -> None:
    """Each of the 54 rules is done, or exempt with a reason."""
    rules = yaml.safe_load(
        (INTEGRATION / "quality_scale.yaml").read_text(encoding="utf-8")
    )["rules"]
    assert len(QUALITY_SCALE_RULES) == 54
    assert set(rules) == QUALITY_SCALE_RULES
    for rule, status in rules.items():
        if status != "done":
            assert status["status"] == "exempt", rule
            assert status["comment"].strip(), rule
