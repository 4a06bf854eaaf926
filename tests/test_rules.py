"""The project's rules, as tests: the standard-library rule, the layer order, and how the code reads."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "policywerk"

# Bottom to top; a module may import only from its own layer or the layers below.
# ``session`` stands just above ``math`` (it uses the one integer check) so that every other layer may use it;
# ``show`` and ``viz`` are one layer: what a lesson shows; ``tryit``, which runs a reader's version of a
# lesson's cell (in the browser), beside them.
RANK = {"math": 0, "session": 1, "rl": 2, "nn": 2, "worlds": 3, "agents": 4, "show": 5, "sketch": 5, "viz": 5,
        "tryit": 5, "exercises": 5, "lessons": 6, "literate": 7, "__main__": 7}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _layer(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE).parts
    if len(rel) == 1:
        return None if rel[0] == "__init__.py" else rel[0].removesuffix(".py")
    return rel[0]


def test_only_standard_library_and_matplotlib_in_viz():
    allowed = set(sys.stdlib_module_names) | {"policywerk"}
    bad = []
    for path in PACKAGE.rglob("*.py"):
        for line, name in _imports(path):
            root = name.split(".")[0]
            if root in allowed or (root == "matplotlib" and _layer(path) == "viz"):
                continue
            bad.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    assert not bad, "\n".join(bad)


def test_layers_import_only_downward():
    bad = []
    for path in PACKAGE.rglob("*.py"):
        layer = _layer(path)
        if layer is None:
            continue
        assert layer in RANK, f"{path} is in no known layer; add it to RANK"
        for line, name in _imports(path):
            parts = name.split(".")
            if parts[0] != "policywerk" or len(parts) < 2:
                continue
            target = parts[1]
            if RANK[target] > RANK[layer]:
                bad.append(f"{path.relative_to(PACKAGE)}:{line} ({layer}) imports {name} ({target})")
    assert not bad, "\n".join(bad)


def test_the_rule_checker_catches_a_violation(tmp_path):
    # The scan above must be able to fail: a numpy import is found by _imports.
    f = tmp_path / "x.py"
    f.write_text("import numpy as np\nfrom matplotlib import pyplot\n")
    assert [name for _, name in _imports(f)] == ["numpy", "matplotlib"]


SMALLEST_FONT_PT = 8  # at 100 dpi, 11 px: still over 8 px when a desktop page shows the figure at 3/4 size


def _font_sizes(source: str):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg in ("fontsize", "size", "labelsize"):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, (int, float)):
                yield node.value.lineno, node.value.value
        elif isinstance(node, ast.Dict):  # rcParams such as {"font.size": 10.5}
            for key, value in zip(node.keys, node.values):
                if (isinstance(key, ast.Constant) and str(key.value).endswith("size")
                        and isinstance(value, ast.Constant) and isinstance(value.value, (int, float))):
                    yield value.lineno, value.value


def test_no_text_in_a_picture_is_smaller_than_8_points():
    small = [f"{path.name}:{line}: {size}" for path in sorted((PACKAGE / "viz").glob("*.py"))
             for line, size in _font_sizes(path.read_text(encoding="utf-8")) if size < SMALLEST_FONT_PT]
    assert not small, small
    assert sorted(_font_sizes('ax.text(0, 0, "x", fontsize=6)\nrc = {"font.size": 7}')) == [(1, 6), (2, 7)]


def test_the_code_reads_like_the_book():
    """scripts/code_metrics.py's targets: no lesson cell over 25 lines, code:prose at most 1, no lesson or
    agent line over 100 columns, no tuple results read by position, nothing written twice."""
    script = PACKAGE.parents[1] / "scripts" / "code_metrics.py"
    result = subprocess.run([sys.executable, str(script), "--list"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
