"""Checks that the stand-in for Home Assistant Cloud matches the installed Home Assistant.

The real module cannot be imported in the test environment (see tests/cloud_stub.py), so its
source is read instead.
"""

import ast
import inspect
from pathlib import Path

import homeassistant

from . import cloud_stub

SOURCE = Path(homeassistant.__file__).parent / "components" / "cloud" / "__init__.py"
TREE = ast.parse(SOURCE.read_text(encoding="utf-8"))
DEFINITIONS = {
    node.name: node
    for node in TREE.body
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
}


def test_functions_have_the_same_signatures() -> None:
    """Each stubbed helper exists, is async where the real one is, with its arguments."""
    for name in cloud_stub.STUBBED:
        real = DEFINITIONS[name]
        stub = getattr(cloud_stub, name)
        if isinstance(real, ast.ClassDef):
            assert inspect.isclass(stub), name
            assert [base.__name__ for base in stub.__bases__] == [
                ast.unparse(base) for base in real.bases
            ], name
            continue
        assert isinstance(real, ast.AsyncFunctionDef) == inspect.iscoroutinefunction(
            stub
        ), name
        assert [arg.arg for arg in real.args.args] == list(
            inspect.signature(stub).parameters
        ), name


def test_connection_states_are_the_same() -> None:
    """The connection states have the same names and values."""
    real = DEFINITIONS["CloudConnectionState"]
    assert isinstance(real, ast.ClassDef)
    members = {
        target.id: ast.literal_eval(node.value)
        for node in real.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert members == {
        state.name: state.value for state in cloud_stub.CloudConnectionState
    }


def test_signals_are_the_same() -> None:
    """The dispatcher signals carry the same names, so the tests can send them."""
    signals = {
        node.target.id: ast.literal_eval(node.value.args[0])
        for node in TREE.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and isinstance(node.value, ast.Call)
        and ast.unparse(node.value.func) == "SignalType"
    }
    assert signals["SIGNAL_CLOUD_CONNECTION_STATE"] == str(
        cloud_stub.SIGNAL_CLOUD_CONNECTION_STATE
    )
    assert signals["_SIGNAL_CLOUDHOOKS_UPDATED"] == str(
        cloud_stub._SIGNAL_CLOUDHOOKS_UPDATED
    )
