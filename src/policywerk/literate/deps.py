"""What a lesson's run depends on, and the content key that says whether a cached run is still good.

The key covers the lesson's code cells (not its prose), every package file those cells import directly
or through other package files, the setting, and the versions that shape the output bytes. Editing prose
leaves the key alone; editing code or any library file the lesson reaches changes it.
"""

import ast
import hashlib
import platform
import sys
from importlib import metadata
from pathlib import Path

from policywerk.literate.cells import Cell

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # src/policywerk
FORMAT = "policywerk-run-5"  # bump when the record's format or the runner's capture changes


def module_file(name: str) -> Path | None:
    """The file of a ``policywerk...`` module, or None if ``name`` is not one."""
    parts = name.split(".")
    if parts[0] != "policywerk":
        return None
    base = PACKAGE_ROOT.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(source: str, filename: str = "<cell>") -> set[str]:
    """Module names that ``source`` imports (``from a.b import c`` counts ``a.b`` and ``a.b.c``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def dependencies(sources: list[str]) -> list[Path]:
    """Every package file reachable from ``sources`` by imports, with the packages' ``__init__`` files."""
    found: set[Path] = set()
    todo = [name for src in sources for name in imported_modules(src)]
    todo.append("policywerk.session")
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for k in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
            path = module_file(".".join(parts[:k]))
            if path is not None and path not in found:
                found.add(path)
                todo.extend(imported_modules(path.read_text(encoding="utf-8"), str(path)))
    return sorted(found)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def run_key(code: list[Cell], setting: str) -> str:
    """The content key of one lesson run."""
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)

    add("format", FORMAT.encode())
    add("setting", setting.encode())
    add("python", f"{sys.version_info[0]}.{sys.version_info[1]} {platform.machine()}".encode())
    for dist in ("matplotlib", "pillow"):
        add(dist, _version(dist).encode())
    for cell in code:
        add("cell", cell.source.encode())
    for path in dependencies([c.source for c in code]):
        add(path.relative_to(PACKAGE_ROOT).as_posix(), path.read_bytes())
    return h.hexdigest()
