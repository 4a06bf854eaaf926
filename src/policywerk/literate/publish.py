"""What a build leaves beside the cached runs: a manifest of every artifact's hash, and in a source
checkout (full setting) the posters under docs/assets/posters/ and the plain Markdown pages under markdown/.

The manifest, ``<root>/<setting>/manifest.json``, lists per lesson its run key, its seeds, the digest
shown on its page, and the sha256 of every file it wrote. The site prints each lesson's seeds and that
digest, so that a reader who runs the lesson can check that they got the same bytes.
"""

import hashlib
import json
import sys
from pathlib import Path

from policywerk import lessons
from policywerk.literate.cells import parse_file
from policywerk.literate.deps import PACKAGE_ROOT
from policywerk.literate.exercise_page import notebook_cells
from policywerk.literate.notebook import to_notebook
from policywerk.literate.page import downloads, render
from policywerk.literate.runner import Record, fresh_record, output_dir, write_whole

CHECKOUT = PACKAGE_ROOT.parents[1]
POSTERS = CHECKOUT / "docs" / "assets" / "posters"  # used by the README and the home page
MARKDOWN = CHECKOUT / "markdown"  # every lesson's page as plain Markdown, for reading on a code host
CHECKOUT_RUNS = (CHECKOUT / "build" / "lessons").resolve()  # the runs that the checkout's posters and plain pages show
MANIFEST = "manifest.json"


def digest(record: Record) -> str:
    """One hash for all of a run's artifacts: the sha256 of their names and hashes, in name order."""
    lines = "".join(f"{name} {record.hashes[name]}\n" for name in sorted(record.hashes))
    return hashlib.sha256(lines.encode()).hexdigest()


def seeds_of(record: Record) -> str:
    """The seeds the run used, as the page prints them ("0, 1, 2"), or "" for a run without randomness."""
    return ", ".join(str(seed) for seed in record.seeds)


def manifest(root: Path, setting: str, infos: list[lessons.LessonInfo] | None = None) -> dict:
    """Write (and return) the manifest of every lesson (of ``infos``, if given) with a fresh run under ``root``."""
    entries = {}
    for info in lessons.available() if infos is None else infos:
        record = fresh_record(info, setting, root)
        if record is not None:
            entries[info.module] = {"key": record.key, "seeds": record.seeds, "digest": digest(record),
                                    "files": dict(sorted(record.hashes.items()))}
    data = {"setting": setting, "lessons": entries}
    if (root / setting).is_dir():
        _write(root / setting / MANIFEST, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())
    return data


def checkout(root: Path) -> None:
    """In a source checkout, refresh the posters and the plain pages from every fresh full run."""
    if not (CHECKOUT / "docs").is_dir():
        return
    for info in lessons.available():
        record = fresh_record(info, "full", root)
        if record is not None:
            folder = output_dir(root, "full", info)
            poster(info, record, folder)
            markdown(info, record, folder)
    markdown_index()


def poster(info: lessons.LessonInfo, record: Record, folder: Path) -> None:
    """Copy the lesson's first poster to docs/assets/posters/<slug>.png."""
    posters = [item["file"] for cell in record.cells for item in cell.shown if item["kind"] == "poster"]
    if not posters or not POSTERS.parent.is_dir():
        return
    POSTERS.mkdir(exist_ok=True)
    _write(POSTERS / f"{info.slug}.png", (folder / posters[0]).read_bytes(), f"{info.module}: poster updated")


def markdown(info: lessons.LessonInfo, record: Record, folder: Path) -> None:
    """Write markdown/<slug>.md, the lesson's page as plain Markdown with relative links (to the lesson's
    own source in src/, not a copy of it), and beside it, in markdown/<slug>/, its pictures and its
    notebook; only files whose bytes changed are written."""
    cells = parse_file(info.path)
    page = render(info, cells, record, assets=info.slug, plain=True, concepts="../docs/concepts", checkout="..")
    banner = (f"<!-- Generated from src/policywerk/lessons/{info.module}.py and its last full run by "
              "`policywerk build`: edit the lesson, not this file. -->\n\n")
    _, ipynb = downloads(info)
    files = {MARKDOWN / f"{info.slug}.md": (banner + page).encode(),
             MARKDOWN / info.slug / ipynb: to_notebook(cells + notebook_cells(info.module, len(cells) + 1),
                                                        f"Lesson {info.number:02d}: {info.title}").encode()}
    shown = [item["file"] for cell in record.cells for item in cell.shown
             if item["kind"] not in ("poster", "table", "frames", "source", "data")]
    files.update({MARKDOWN / info.slug / name: (folder / name).read_bytes() for name in shown})
    changed = [path for path, data in files.items() if _write(path, data)]
    stale = [p for p in (MARKDOWN / info.slug).iterdir() if p not in files]
    for path in stale:  # a picture the lesson no longer shows
        path.unlink()
    if changed or stale:
        print(f"{info.module}: plain Markdown page updated at {MARKDOWN / (info.slug + '.md')}", file=sys.stderr)


def markdown_index() -> None:
    """markdown/README.md: what the folder is, and a link to every lesson page in it."""
    lines = ["<!-- Generated by `policywerk build`: do not edit. -->", "",
             "# The lessons as plain Markdown", "",
             "Every lesson's page as it stands on the site, in plain Markdown with its pictures beside it, for "
             "reading here without the site. Each is generated from the lesson's source and its last full run; "
             "the site itself adds search, navigation and rendered math.", ""]
    for info in lessons.CATALOG:
        if (MARKDOWN / f"{info.slug}.md").is_file():
            lines.append(f"- [Lesson {info.number:02d}: {info.title}]({info.slug}.md) ({info.paper}, {info.year})")
    if MARKDOWN.is_dir():
        _write(MARKDOWN / "README.md", ("\n".join(lines) + "\n").encode())


def _write(path: Path, data: bytes, message: str = "") -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True if it wrote."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, data)  # an interrupted build never leaves half a file here
    if message:
        print(f"{message} at {path}", file=sys.stderr)
    return True
