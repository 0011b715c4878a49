"""
The search package's import structure: the models import its write side, so no
module of it may import the models, and no import may be hidden in a function.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "articles"
SEARCH = APP / "search"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _app_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in APP.rglob("*.py")
        if "migrations" not in path.parts and "management" not in path.parts
    }


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        package = parts if is_package else parts[:-1]
        base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The app modules that `module` imports at its top level (and, implicitly, their parent packages)."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in tree.body:
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = _resolve(module, path.name == "__init__.py", node)
        for name in names:
            parts = name.split(".")
            # Importing a.b.c runs a/__init__ and a/b/__init__ first.
            found.update(".".join(parts[:n]) for n in range(2, len(parts) + 1) if ".".join(parts[:n]) in known)
    # A module's own packages are already being imported when it runs.
    ancestors = {".".join(module.split(".")[:n]) for n in range(1, module.count(".") + 2)}
    return found - ancestors


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_app_has_no_import_cycle():
    modules = _app_modules()
    known = set(modules)
    graph = {name: _imports(name, path, known) for name, path in modules.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_models_import_the_search_write_side_at_the_top():
    graph = {name: _imports(name, path, set(_app_modules())) for name, path in _app_modules().items()}
    assert "articles.search.indexing" in graph["articles.models.content"]
    assert "articles.search.memo" in graph["articles.models.search"]


@pytest.mark.parametrize(
    "path", sorted(p.relative_to(ROOT).as_posix() for p in [*SEARCH.rglob("*.py"), *(APP / "models").glob("*.py")])
)
def test_no_import_of_the_app_is_hidden_in_a_function(path):
    """(A third-party package may be imported late, where loading it is costly or optional.)"""
    tree = ast.parse((ROOT / path).read_text())
    top_level = {id(node) for node in tree.body}
    hidden = [
        node.lineno
        for node in ast.walk(tree)
        if id(node) not in top_level
        and (
            (isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("articles")))
            or (isinstance(node, ast.Import) and any(a.name.startswith("articles") for a in node.names))
        )
    ]
    assert hidden == [], f"{path}: imports inside functions at lines {hidden}"


def test_every_search_module_imports_on_its_own_before_django_loads_models():
    """Each in a fresh interpreter, without django.setup(): importing one never needs the models."""
    names = sorted(name for name in _app_modules() if name.startswith("articles.search"))
    script = "\n".join(
        [
            "import importlib, subprocess, sys",
            f"names = {names!r}",
            "failed = []",
            "for name in names:",
            "    code = f'import {name}; from django.apps import apps; assert not apps.models_ready'",
            "    run = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)",
            "    if run.returncode: failed.append((name, run.stderr.strip().splitlines()[-1:]))",
            "print(failed)",
            "sys.exit(1 if failed else 0)",
        ]
    )
    env_run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                             env={"DJANGO_SETTINGS_MODULE": "kb.test_settings", "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert env_run.returncode == 0, env_run.stdout + env_run.stderr
