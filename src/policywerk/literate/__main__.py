"""``python -m policywerk.literate``: list, build and run lessons from a terminal.

    python -m policywerk.literate list [--quick]
    python -m policywerk.literate build [LESSON ...] [--quick] [--force] [--root DIR]
"""

import argparse
import sys
import time
from pathlib import Path

from policywerk import lessons
from policywerk.literate.cells import parse_file
from policywerk.literate.deps import PACKAGE_ROOT
from policywerk.literate.notebook import to_notebook
from policywerk.literate.page import downloads, render
from policywerk.literate.runner import LessonFailed, Record, build, is_fresh, load_record, output_dir

CHECKOUT = PACKAGE_ROOT.parents[1]
POSTERS = CHECKOUT / "docs" / "assets" / "posters"  # used by the README and the home page
MARKDOWN = CHECKOUT / "markdown"  # every lesson's page as plain Markdown, for reading on a code host


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policywerk.literate", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("list", "build"):
        p = sub.add_parser(name)
        p.add_argument("--quick", action="store_true", help="tiny budgets, as in the tests")
        p.add_argument("--root", type=Path, default=Path("build/lessons"), help="where runs are cached")
        if name == "build":
            p.add_argument("lessons", nargs="*", help="lesson names (default: every lesson that exists)")
            p.add_argument("--force", action="store_true", help="run even when the cache is fresh")
    args = parser.parse_args(argv)
    setting = "quick" if args.quick else "full"
    try:
        chosen = [lessons.find(n) for n in getattr(args, "lessons", [])] or lessons.available()
    except KeyError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 2
    if args.command == "list":
        for info in lessons.CATALOG:
            state = ("fresh" if is_fresh(info, setting, args.root) else "stale") if info.exists else "not written"
            print(f"{info.module:20} {info.year:10} {state}")
        return 0
    for info in chosen:
        if not info.exists:
            print(f"error: lesson {info.module} is not written yet", file=sys.stderr)
            return 2
        fresh = is_fresh(info, setting, args.root)
        if fresh and not args.force:
            print(f"{info.module} [{setting}]: up to date", file=sys.stderr)
            continue
        print(f"{info.module} [{setting}]: running", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            record = build(info, setting, args.root, force=args.force)
        except LessonFailed as error:
            print(error.details, file=sys.stderr)
            print(f"error: {error}", file=sys.stderr)
            print("the previous output, if any, was left in place", file=sys.stderr)
            return 1
        print(f"{info.module} [{setting}]: done in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        if setting == "full":
            publish_poster(info, record, output_dir(args.root, setting, info))
    if setting == "full" and (CHECKOUT / "docs").is_dir():  # a source checkout: refresh the plain pages
        for info in lessons.available():
            folder = output_dir(args.root, setting, info)
            record = load_record(folder) if is_fresh(info, setting, args.root) else None
            if record is not None:
                publish_markdown(info, record, folder)
        publish_markdown_index()
    return 0


def publish_poster(info: lessons.LessonInfo, record: Record, folder: Path) -> None:
    """Copy the lesson's first poster to docs/assets/posters/<slug>.png, if this is a source checkout."""
    posters = [item["file"] for cell in record.cells for item in cell.shown if item["kind"] == "poster"]
    if not posters or not POSTERS.parent.is_dir():
        return
    POSTERS.mkdir(exist_ok=True)
    target = POSTERS / f"{info.slug}.png"
    data = (folder / posters[0]).read_bytes()
    if not target.is_file() or target.read_bytes() != data:
        target.write_bytes(data)
        print(f"{info.module}: poster updated at {target}", file=sys.stderr)


def publish_markdown(info: lessons.LessonInfo, record: Record, folder: Path) -> None:
    """Write markdown/<slug>.md, the lesson's page as plain Markdown with relative links, and beside it,
    in markdown/<slug>/, its pictures and its two downloads; only files whose bytes changed are written."""
    cells = parse_file(info.path)
    page = render(info, cells, record, assets=info.slug, plain=True, concepts="../docs/concepts")
    banner = (f"<!-- Generated from src/policywerk/lessons/{info.module}.py and its last full run by "
              "`python -m policywerk.literate build`: edit the lesson, not this file. -->\n\n")
    py, ipynb = downloads(info)
    files = {MARKDOWN / f"{info.slug}.md": (banner + page).encode(),
             MARKDOWN / info.slug / py: info.path.read_bytes(),
             MARKDOWN / info.slug / ipynb: to_notebook(cells, f"Lesson {info.number:02d}: {info.title}").encode()}
    shown = [item["file"] for cell in record.cells for item in cell.shown if item["kind"] not in ("poster", "table")]
    files.update({MARKDOWN / info.slug / name: (folder / name).read_bytes() for name in shown})
    changed = 0
    for path, data in files.items():
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed += 1
    stale = [p for p in (MARKDOWN / info.slug).iterdir() if p not in files]
    for path in stale:  # a picture the lesson no longer shows
        path.unlink()
    if changed or stale:
        print(f"{info.module}: plain Markdown page updated at {MARKDOWN / (info.slug + '.md')}", file=sys.stderr)


def publish_markdown_index() -> None:
    """markdown/README.md: what the folder is, and a link to every lesson page in it."""
    lines = ["<!-- Generated by `python -m policywerk.literate build`: do not edit. -->", "",
             "# The lessons as plain Markdown", "",
             "Every lesson's page as it stands on the site, in plain Markdown with its pictures beside it, for "
             "reading here without the site. Each is generated from the lesson's source and its last full run; "
             "the site itself adds search, navigation and rendered math.", ""]
    for info in lessons.CATALOG:
        if (MARKDOWN / f"{info.slug}.md").is_file():
            lines.append(f"- [Lesson {info.number:02d}: {info.title}]({info.slug}.md) ({info.paper}, {info.year})")
    data = ("\n".join(lines) + "\n").encode()
    target = MARKDOWN / "README.md"
    if target.parent.is_dir() and (not target.is_file() or target.read_bytes() != data):
        target.write_bytes(data)


if __name__ == "__main__":
    sys.exit(main())
