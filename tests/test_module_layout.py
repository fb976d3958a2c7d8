"""Tests of how the integration's modules depend on each other."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "flipsnack"
# Modules that could be published on their own, so they know nothing of Home Assistant.
HOME_ASSISTANT_FREE = ("api", "webhook_posts", "webhook_orders")


def _module_name(path: Path) -> str:
    parts = path.relative_to(INTEGRATION).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """Return the integration's modules and the other top-level packages path imports.

    Imports under TYPE_CHECKING count too: they are part of the layering.
    """
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    parts = package.split(".") if package else []
    own: set[str] = set()
    other: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = parts[: len(parts) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
            if node.module is None:
                own.update(f"{target}.{alias.name}".strip(".") for alias in node.names)
            else:
                own.add(target)
        elif isinstance(node, ast.ImportFrom) and node.module:
            other.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            other.update(alias.name.split(".")[0] for alias in node.names)
    return own, other


MODULES = {_module_name(path): path for path in sorted(INTEGRATION.rglob("*.py"))}


def test_modules_import_in_layers() -> None:
    """No import circle, TYPE_CHECKING ones included: each module builds on those below."""
    graph = {
        name: {module for module in _imports(path)[0] if module in MODULES} - {name}
        for name, path in MODULES.items()
    }
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as err:
        pytest.fail(f"import circle: {' -> '.join(err.args[1])}")


@pytest.mark.parametrize(
    "name",
    [name for name in MODULES if name.split(".")[0] in HOME_ASSISTANT_FREE],
)
def test_home_assistant_free_modules(name: str) -> None:
    """The API client and the reading of webhook posts need no Home Assistant."""
    _, other = _imports(MODULES[name])
    assert "homeassistant" not in other


def test_no_module_is_much_over_400_lines() -> None:
    """One concern per module keeps each short enough to read at once."""
    lengths = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in MODULES.items()
    }
    assert {name: n for name, n in lengths.items() if n > 420} == {}
