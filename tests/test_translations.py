"""Tests that every translation matches English, and that Home Assistant shows it.

Home Assistant reads translations/<language>.json of a custom integration, only for the
codes in homeassistant.generated.languages, with English loaded first for the keys a
language lacks. A localized string whose {placeholders} differ from English is dropped
with an error, and [%key:...%] references are not resolved for custom integrations.
"""

from collections.abc import Iterator
import json
import logging
from pathlib import Path
import re
import string
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.generated.languages import LANGUAGES
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flipsnack.const import CONF_API_SECRET, DOMAIN
from custom_components.flipsnack.sensor import ACCOUNT_SENSORS

from . import setup_integration
from .const import API_SECRET

TRANSLATIONS = (
    Path(__file__).parent.parent / "custom_components" / DOMAIN / "translations"
)

# Adding a language means adding its code here, so that removing its file fails.
SHIPPED_LANGUAGES = {"en", "de", "fr", "es", "nl", "ro", "it", "pl", "pt-BR"}

FILES = sorted(TRANSLATIONS.glob("*.json"))
LOCALIZED = [path for path in FILES if path.stem != "en"]

LINK = re.compile(r"\]\((\{\w+\})\)")
CODE = re.compile(r"`[^`]*`")
HTML = re.compile(r"<\s*/?\s*[a-zA-Z!]")
URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse a JSON object that names a key twice: the last one would win silently."""
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"duplicate keys {duplicates}"
    return dict(pairs)


def _load(path: Path) -> Any:
    return json.loads(
        path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicate_keys
    )


def _flatten(node: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Return {"config.step.user.title": text, ...}, as Home Assistant flattens them."""
    flat: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _placeholders(text: str) -> set[str]:
    """Return the placeholder names, parsed as Home Assistant parses them."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


ENGLISH = _flatten(_load(TRANSLATIONS / "en.json"))


def _localized(path: Path) -> dict[str, Any]:
    return _flatten(_load(path))


def _pairs(path: Path) -> Iterator[tuple[str, str, str]]:
    """Yield (key, English text, localized text) for the keys both have."""
    localized = _localized(path)
    for key, english in ENGLISH.items():
        if key in localized:
            yield key, english, localized[key]


def test_shipped_languages() -> None:
    """Exactly the expected languages ship: a removed or stray file fails."""
    assert {path.stem for path in FILES} == SHIPPED_LANGUAGES


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_file_name_is_a_language_home_assistant_requests(path: Path) -> None:
    """pt-BR.json is loaded; pt_BR.json or pt-PT.json never would be."""
    assert path.stem in LANGUAGES


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_file_is_a_json_object_of_texts(path: Path) -> None:
    """Valid JSON without repeated keys, and every leaf a non-empty trimmed text."""
    data = _load(path)
    assert isinstance(data, dict)
    for key, text in _flatten(data).items():
        assert isinstance(text, str), key
        assert text, key
        assert text == text.strip(), key


@pytest.mark.parametrize("path", LOCALIZED, ids=lambda path: path.stem)
def test_same_keys_as_english(path: Path) -> None:
    """No English string is left untranslated, and no stale key stays behind."""
    localized = _localized(path)
    assert sorted(set(ENGLISH) - set(localized)) == [], "missing"
    assert sorted(set(localized) - set(ENGLISH)) == [], "not in en.json"


@pytest.mark.parametrize("path", LOCALIZED, ids=lambda path: path.stem)
def test_same_placeholders_as_english(path: Path) -> None:
    """Home Assistant drops a translated string whose placeholders differ."""
    for key, english, text in _pairs(path):
        assert _placeholders(text) == _placeholders(english), key


@pytest.mark.parametrize("path", LOCALIZED, ids=lambda path: path.stem)
def test_same_links_and_code_as_english(path: Path) -> None:
    """Markdown links keep their URL placeholder, and code spans stay as they are."""
    for key, english, text in _pairs(path):
        assert sorted(LINK.findall(text)) == sorted(LINK.findall(english)), key
        assert sorted(CODE.findall(text)) == sorted(CODE.findall(english)), key
        assert text.count("**") == english.count("**"), key


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_no_references_urls_or_html(path: Path) -> None:
    """References are not resolved for custom integrations; URLs go in placeholders."""
    for key, text in _localized(path).items():
        assert "[%key:" not in text, key
        assert not URL.search(text), key
        assert not HTML.search(text), key


# The repairs of the webhook, which receives lead forms and orders at one URL.
ISSUES = "issues."
UNAVAILABLE = ("no_url", "url_not_https")
# The advice these repairs once gave, in each language: turn lead forms on again in the
# options to get the URL. The repair goes by itself and the new URL comes as its own.
OLD_ADVICE = {
    "en": "turn on lead forms again",
    "de": "schalte die Lead-Formulare erneut ein",
    "fr": "réactivez les formulaires de lead",
    "es": "vuelve a activar los formularios de leads",
    "nl": "zet leadformulieren opnieuw aan",
    "ro": "activează din nou formularele de lead-uri",
    "it": "riattiva i moduli lead",
    "pl": "ponownie włącz formularze leadowe",
    "pt-BR": "ative os formulários de leads novamente",
}
# How each language names lead forms and orders, as its options do.
LEAD_FORMS = {
    "en": r"lead form",
    "de": r"Lead-Formular",
    "fr": r"formulaires? de lead",
    "es": r"formularios? de leads",
    "nl": r"leadformulier",
    "ro": r"formular(e|ele)? de lead-uri",
    "it": r"moduli? lead",
    "pl": r"formularz\w* leadow",
    "pt-BR": r"formulários? de leads",
}
ORDERS = {
    "en": r"order",
    "de": r"Bestellung",
    "fr": r"commande",
    "es": r"pedido",
    "nl": r"bestelling",
    "ro": r"com(enz|and)",
    "it": r"ordin",
    "pl": r"zamówie",
    "pt-BR": r"pedido",
}


def test_the_term_lists_cover_every_language() -> None:
    """A new language needs its terms, or the repair checks below would skip it."""
    assert set(OLD_ADVICE) == set(LEAD_FORMS) == set(ORDERS) == SHIPPED_LANGUAGES


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_no_repair_says_to_turn_lead_forms_on_again(path: Path) -> None:
    """The unavailable repairs clear by themselves; the options give nothing new.

    Each language's old wording is checked for, once its term for lead forms is seen to
    be the one its options use.
    """
    language = path.stem
    texts = _localized(path)
    label = texts["options.step.lead_forms.data.lead_forms"]
    assert re.search(LEAD_FORMS[language], label, re.IGNORECASE), label
    for key, text in texts.items():
        if key.startswith(ISSUES):
            assert OLD_ADVICE[language].casefold() not in text.casefold(), key
    # The old advice named the entry ("the options of {title}"); now only the links are
    # left, in whatever words a language says it.
    for problem in UNAVAILABLE:
        key = f"issues.lead_webhook_url_unavailable_{problem}.description"
        assert _placeholders(texts[key]) == {"cloud_link", "network_link"}, key


def test_english_unavailable_repairs_say_what_happens() -> None:
    """They go by themselves, and a new URL comes as another repair."""
    for problem in UNAVAILABLE:
        text = ENGLISH[f"issues.lead_webhook_url_unavailable_{problem}.description"]
        assert "goes away by itself" in text
        assert "a new repair shows you the URL to paste" in text
        assert "options" not in text


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_webhook_repairs_name_orders_with_lead_forms(path: Path) -> None:
    """A repair of the webhook that names lead forms names orders too: either may be on."""
    language = path.stem
    texts = _localized(path)
    label = texts["options.step.lead_forms.data.orders"]
    assert re.search(ORDERS[language], label, re.IGNORECASE), label
    checked = 0
    for key, text in texts.items():
        names_lead_forms = re.search(LEAD_FORMS[language], text, re.IGNORECASE)
        if key.startswith(ISSUES) and names_lead_forms:
            assert re.search(ORDERS[language], text, re.IGNORECASE), key
            checked += 1
    # The texts of the changed URL, the unavailable URL and the unreadable posts.
    assert checked >= 6


def test_checks_catch_what_home_assistant_would_drop() -> None:
    """The placeholder check sees what Home Assistant sees, braces and all."""
    assert _placeholders("Try again in {retry_after} seconds.") == {"retry_after"}
    assert _placeholders("[guide]({api_guide_url}) for {title}") == {
        "api_guide_url",
        "title",
    }
    assert _placeholders("no placeholder") == set()
    assert LINK.findall("[Home Assistant Cloud]({cloud_link})") == ["{cloud_link}"]
    assert HTML.search("<b>bold</b>")
    assert not HTML.search("**Workspace settings > Integrations > Webhooks**")
    with pytest.raises(AssertionError, match="duplicate keys"):
        json.loads('{"a": "1", "a": "2"}', object_pairs_hook=_no_duplicate_keys)


# Through Home Assistant's own loading.

GERMAN = _localized(TRANSLATIONS / "de.json")
CATEGORIES = sorted({key.split(".", 1)[0] for key in ENGLISH})


def _key(path: str) -> str:
    return f"component.{DOMAIN}.{path}"


@pytest.mark.usefixtures("enable_custom_integrations")
@pytest.mark.parametrize("language", sorted(SHIPPED_LANGUAGES))
async def test_home_assistant_keeps_every_string(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture, language: str
) -> None:
    """Each language comes through whole: no string dropped, no error logged."""
    hass.config.language = language
    expected = _localized(TRANSLATIONS / f"{language}.json")
    loaded: dict[str, str] = {}
    with caplog.at_level(logging.WARNING, logger="homeassistant.helpers.translation"):
        for category in CATEGORIES:
            loaded |= await async_get_translations(hass, language, category, [DOMAIN])

    assert loaded == {_key(path): text for path, text in expected.items()}
    assert [
        record.getMessage()
        for record in caplog.records
        if record.name == "homeassistant.helpers.translation"
    ] == []


@pytest.mark.usefixtures("enable_custom_integrations")
async def test_german_config_flow_entity_and_error_texts(hass: HomeAssistant) -> None:
    """With Home Assistant in German, the texts it serves are German, not English."""
    hass.config.language = "de"
    config = await async_get_translations(hass, "de", "config", [DOMAIN])
    entity = await async_get_translations(hass, "de", "entity", [DOMAIN])
    exceptions = await async_get_translations(hass, "de", "exceptions", [DOMAIN])

    assert config[_key("config.step.user.title")] == "Flipsnack-Konto verbinden"
    assert config[_key("config.step.user.data.api_secret")] == "API-Geheimnis"
    assert entity[_key("entity.sensor.views.name")] == "Aufrufe"
    assert entity[_key("entity.event.lead.name")] == "Lead-Formular"
    assert exceptions[_key("exceptions.cannot_connect.message")] == (
        "Die Flipsnack-API ist nicht erreichbar: {error}"
    )
    for key in (
        "config.step.user.title",
        "entity.sensor.views.name",
        "exceptions.cannot_connect.message",
    ):
        assert GERMAN[key] != ENGLISH[key], key


@pytest.mark.usefixtures("flipsnack")
async def test_german_error_of_a_wrong_api_key(hass: HomeAssistant) -> None:
    """A key Flipsnack doesn't know shows the German text of invalid_api_key.

    The flow returns the error's key; the frontend looks its text up in the
    translations Home Assistant serves for the user's language.
    """
    hass.config.language = "de"
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: "WRONG-KEY-0000", CONF_API_SECRET: API_SECRET},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_API_KEY: "invalid_api_key"}

    config = await async_get_translations(hass, "de", "config", [DOMAIN])
    text = config[_key(f"config.error.{result['errors'][CONF_API_KEY]}")]
    assert text == GERMAN["config.error.invalid_api_key"]
    assert text.startswith("Flipsnack kennt diesen API-Schlüssel nicht.")
    assert config[_key(f"config.step.{result['step_id']}.title")] == (
        "Flipsnack-Konto verbinden"
    )


@pytest.mark.usefixtures("flipsnack")
async def test_german_entity_names(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Entity names are translated when the entities are created, in HA's language."""
    hass.config.language = "de"
    await setup_integration(hass, mock_config_entry)

    names = {}
    for description in ACCOUNT_SENSORS:
        entity_id = entity_registry.async_get_entity_id(
            "sensor", DOMAIN, f"{mock_config_entry.entry_id}_{description.key}"
        )
        assert entity_id is not None
        names[description.key] = hass.states.get(entity_id).attributes["friendly_name"]

    assert names == {
        "impressions": "Flipsnack …7832 Impressionen",
        "views": "Flipsnack …7832 Aufrufe",
        "time_spent": "Flipsnack …7832 Verweildauer",
        "downloads": "Flipsnack …7832 Downloads",
        "api_uploads_left": "Flipsnack …7832 Verbleibende API-Uploads",
    }
    # German is one of the languages whose names also make the entity ids.
    assert hass.states.get("sensor.flipsnack_7832_aufrufe") is not None
