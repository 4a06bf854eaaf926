"""How well the code reads, in the figures issue 17 set targets for; prints them and exits 1 if one is missed.

    python scripts/code_metrics.py            # the table and the targets
    python scripts/code_metrics.py --list     # also where each miss stands

Per lesson: the longest code cell (its non-blank lines), the code:prose ratio (non-blank lines of code
cells, comments included, over non-blank lines of Markdown cells) and the code lines wider than 100
columns. Over the library: lines wider than 100 columns in ``agents/``, results handed on as tuples
(a ``return`` of three or more values, or a position read from what an index already returned, such as
``runs[key][0]``), comprehensions with three or more ``for`` clauses, and code written twice (a stable
sigmoid, a strict-integer check, and any function whose body is the same as another's).
"""

import argparse
import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "policywerk"
sys.path.insert(0, str(SRC.parent))

from policywerk.literate.cells import parse_file  # noqa: E402

WIDTH = 100
TARGETS = {"longest cell": 25, "code:prose": 1.0, "wide lines": 0, "tuple results": 0, "3-for comprehensions": 0,
           "sigmoids": 1, "integer checks": 1, "twin functions": 0}
# A strict-integer check written out: "isinstance(x, bool) or not isinstance(x, int)" and its mirror image.
INTEGER_CHECK = re.compile(r"isinstance\((\w[\w.]*), bool\) or not isinstance\(\1, int\)"
                           r"|isinstance\((\w[\w.]*), int\) and not isinstance\(\2, bool\)")
SIGMOID = re.compile(r"1\.0 / \(1\.0 \+ math\.exp\(-")


def lesson_figures(path: Path) -> dict:
    cells = parse_file(path)

    def lines(cell):
        return [ln for ln in cell.source.splitlines() if ln.strip()]

    code = [c for c in cells if c.kind == "code"]
    prose = sum(len(lines(c)) for c in cells if c.kind == "markdown")
    longest = max(code, key=lambda c: len(lines(c)))
    wide = [(path, c.line + i) for c in code for i, ln in enumerate(c.source.splitlines()) if len(ln) > WIDTH]
    return {"longest": len(lines(longest)), "longest_at": longest.line,
            "ratio": sum(len(lines(c)) for c in code) / max(prose, 1), "wide": wide}


def tuple_results(tree: ast.AST, path: Path) -> list[tuple[Path, int, str]]:
    """Returns of three or more values, and a position read from what an index returned, unless a
    named field is read from it next (``runs[name][0].episodes`` is the first run, not a position)."""
    named = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    found = []
    for node in ast.walk(tree):
        if id(node) in named:
            continue
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 3:
            found.append((path, node.lineno, f"returns {len(node.value.elts)} values as a tuple"))
        elif (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
              and isinstance(node.slice.value, int) and isinstance(node.value, ast.Subscript)):
            found.append((path, node.lineno, f"reads position {node.slice.value} of {ast.unparse(node.value)}"))
    return found


def deep_comprehensions(tree: ast.AST, path: Path) -> list[tuple[Path, int, str]]:
    kinds = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    return [(path, node.lineno, f"{len(node.generators)} for clauses") for node in ast.walk(tree)
            if isinstance(node, kinds) and len(node.generators) >= 3]


def twin_functions(trees: dict[Path, ast.AST]) -> list[tuple[Path, int, str]]:
    bodies = defaultdict(list)
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
                if sum(len(ast.unparse(s).splitlines()) for s in body) >= 3:  # a one-line wrapper is no twin
                    bodies[ast.dump(ast.Module(body=body, type_ignores=[]))].append((path, node.lineno, node.name))
    return [(p, line, f"{name} has the same body as {len(places) - 1} other(s)")
            for places in bodies.values() if len(places) > 1 for p, line, name in places]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="say where each miss stands")
    args = parser.parse_args()

    print(f"{'lesson':<22} {'longest cell':>12} {'code:prose':>10} {'wide lines':>10}")
    lessons = {p.stem: lesson_figures(p) for p in sorted((SRC / "lessons").glob("l[0-9][0-9]_*.py"))}
    for name, f in lessons.items():
        print(f"{name:<22} {f['longest']:>12} {f['ratio']:>10.2f} {len(f['wide']):>10}")

    library = sorted(p for p in SRC.rglob("*.py") if "literate" not in p.parts)
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in library}
    texts = {p: p.read_text(encoding="utf-8") for p in library}
    shown = [p for p in library if p.parent.name in ("lessons", "agents", "viz")]
    misses = {
        "longest cell": [(SRC / "lessons" / f"{n}.py", f["longest_at"], f"{f['longest']} lines")
                         for n, f in lessons.items() if f["longest"] > TARGETS["longest cell"]],
        "code:prose": [(SRC / "lessons" / f"{n}.py", 1, f"{f['ratio']:.2f}")
                       for n, f in lessons.items() if f["ratio"] > TARGETS["code:prose"]],
        "wide lines": [w + ("",) for f in lessons.values() for w in f["wide"]]
        + [(p, i, "") for p in library if p.parent.name == "agents"
           for i, ln in enumerate(texts[p].splitlines(), 1) if len(ln) > WIDTH],
        "tuple results": [m for p in shown for m in tuple_results(trees[p], p)],
        "3-for comprehensions": [m for p in library for m in deep_comprehensions(trees[p], p)],
        "sigmoids": [(p, texts[p][:m.start()].count("\n") + 1, "") for p in library
                     for m in SIGMOID.finditer(texts[p])],
        "integer checks": [(p, texts[p][:m.start()].count("\n") + 1, "") for p in library
                           for m in INTEGER_CHECK.finditer(texts[p])],
        "twin functions": twin_functions(trees),
    }
    counts = {"longest cell": max(f["longest"] for f in lessons.values()),
              "code:prose": max(f["ratio"] for f in lessons.values())}
    print()
    print(f"{'measure':<22} {'value':>8} {'target':>8}")
    failed = False
    for measure, target in TARGETS.items():
        value = counts.get(measure, len(misses[measure]))
        ok = value <= target
        failed |= not ok
        shown_value = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"{measure:<22} {shown_value:>8} {'≤ ' + str(target):>8} {'' if ok else 'MISSED'}")
        if args.list and not ok:
            for path, line, what in misses[measure]:
                print(f"    {path.relative_to(SRC.parent)}:{line} {what}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
