"""The layers of docs/architecture.md, enforced: each package imports only what its row allows.

Every `import` and `from … import` in the project's packages is read with `ast` (lazy imports inside
functions included), so a rule cannot be dodged by importing late.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("workflows", "integrations", "lambdas", "infra", "sma")

# Layer (a module prefix) → the project prefixes its modules may import. The longest prefix wins.
ALLOWED: dict[str, tuple[str, ...]] = {
    "lambdas": ("lambdas",),
    "workflows": ("workflows",),
    "integrations": ("integrations", "workflows"),
    "infra.topology": (),
    "infra.aws": ("infra.topology", "infra.aws", "workflows"),
    "infra.diagrams": ("infra.topology", "infra.diagrams", "workflows"),
    "infra.local": ("infra.topology", "infra.local", "integrations", "workflows", "lambdas"),
    "infra": ("infra",),  # infra/__init__.py
    "sma": PROJECT,
}


def _layer(module: str) -> str:
    matches = [layer for layer in ALLOWED if module == layer or module.startswith(layer + ".")]
    return max(matches, key=len)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.split(".")[0] in PROJECT]


def _modules() -> list[tuple[str, Path]]:
    modules = []
    for package in PROJECT:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            modules.append((".".join(relative.parts).removesuffix(".__init__"), path))
    return modules


def _violations(module: str, path: Path) -> list[str]:
    allowed = ALLOWED[_layer(module)]
    return [
        f"{module} (line {line}) imports {name}"
        for line, name in _imports(path)
        if not any(name == prefix or name.startswith(prefix + ".") for prefix in allowed)
    ]


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_what_docs_architecture_allows(layer: str) -> None:
    violations = [
        violation
        for module, path in _modules()
        if _layer(module) == layer
        for violation in _violations(module, path)
    ]
    assert not violations, "\n".join(violations)


def test_the_rule_checker_sees_a_late_forbidden_import(tmp_path: Path) -> None:
    # A handler reaching into the emulator inside a function is exactly what the rules exist to stop.
    bad = tmp_path / "handler.py"
    bad.write_text("import json\n\ndef f():\n    from integrations.errors import ServiceError\n")
    assert _violations("lambdas.bad.handler", bad) == [
        "lambdas.bad.handler (line 4) imports integrations.errors"
    ]
    assert _violations("infra.local.bad", bad) == []


def test_every_package_module_belongs_to_a_layer() -> None:
    for module, _ in _modules():
        assert _layer(module) in ALLOWED
