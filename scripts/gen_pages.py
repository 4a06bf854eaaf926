"""Generate the lesson pages for MkDocs (run by the mkdocs-gen-files plugin on every build).

For each lesson that exists: make sure its cached run is fresh (running it in a subprocess if not, with
its progress on the console), then write ``lessons/<slug>.md``, copy the files it showed beside it, and
add its downloads (the source as a ``.py`` file and a notebook made from it). Each concept page gets the
list of lessons that use it, and the home page the lessons as cards. The setting comes from
``POLICYWERK_SETTING`` (``full``, the default, or ``quick``), the runs' folder from ``POLICYWERK_RUNS``
(``build/lessons`` by default). A lesson that fails stops the build with the
lesson, cell and line; its previous good run stays cached.

Under ``policywerk serve`` (``make serve``), ``POLICYWERK_SERVE_STATUS`` names the status file of the
lessons it builds in the background, and no lesson is run here: a lesson with a fresh run gets its page,
one whose run failed with its current code a page with the error, and any other the page that says it is
being built. Each landing rewrites the status file, and mkdocs, which watches it, comes back here.
"""

import os
import subprocess
import sys
from pathlib import Path

import mkdocs_gen_files
import yaml
from mkdocs.structure.files import InclusionLevel

ROOT = Path(__file__).resolve().parents[1]
SETTING = os.environ.get("POLICYWERK_SETTING", "full")
RUNS = Path(os.environ.get("POLICYWERK_RUNS", ROOT / "build" / "lessons"))  # where the cached runs live

# mkdocs serve keeps imported modules across rebuilds: drop ours so that edits to the library show.
for name in [n for n in sys.modules if n == "policywerk" or n.startswith("policywerk.")]:
    del sys.modules[name]
sys.path.insert(0, str(ROOT / "src"))

from policywerk import lessons  # noqa: E402
from policywerk.exercises import EXERCISES  # noqa: E402
from policywerk.literate import cite, serve  # noqa: E402
from policywerk.literate.archive import browser_archive  # noqa: E402
from policywerk.literate.blocks import fence  # noqa: E402
from policywerk.literate.cells import Cell, parse_file  # noqa: E402
from policywerk.literate.exercise_page import notebook_cells  # noqa: E402
from policywerk.literate.images import intrinsic_size, size_attributes  # noqa: E402
from policywerk.literate.notebook import to_notebook  # noqa: E402
from policywerk.literate.page import downloads, render, render_failed, render_pending, source_base  # noqa: E402
from policywerk.literate.publish import digest, seeds_of  # noqa: E402
from policywerk.literate.runner import fresh_record, is_fresh, load_record, output_dir  # noqa: E402

if SETTING not in ("full", "quick"):
    raise SystemExit(f"POLICYWERK_SETTING must be 'full' or 'quick', got {SETTING!r}")

STATUS = os.environ.get("POLICYWERK_SERVE_STATUS")  # set by `policywerk serve`, which builds the lessons
stale = [] if STATUS else [info.module for info in lessons.available() if not is_fresh(info, SETTING, RUNS)]
if stale:
    command = [sys.executable, "-m", "policywerk.literate", "build", "--jobs", "0", "--root", str(RUNS), *stale]
    if SETTING == "quick":
        command.append("--quick")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    if subprocess.run(command, env=env).returncode != 0:
        raise SystemExit(f"lesson build failed ({', '.join(stale)}): see the error above")


try:  # where the pages link the library's files: the repository of mkdocs.yml's settings, on its branch
    SOURCE_URL = source_base(mkdocs_gen_files.config.repo_url, mkdocs_gen_files.config.edit_uri)
except ValueError as error:
    raise SystemExit(str(error)) from None


def cite_section() -> str:
    """The home page's "Cite" section: the project's BibTeX, from CITATION.cff and the address of this site."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    return ("## Cite\n\nIf Policywerk helps your work, please cite it. The entry is made from `CITATION.cff` at the "
            "repository's root (GitHub's \"Cite this repository\" reads the same file), with this site's address; "
            "each lesson's page gives its paper as BibTeX under the citation.\n\n"
            + fence("bibtex", cite.project(cff, mkdocs_gen_files.config.site_url)) + "\n")


def provenance(info, record) -> str:
    """The run this page shows, so that a reader can check their own: its seeds and its artifacts' digest."""
    seeds = seeds_of(record)
    quick = " --quick" if record.setting == "quick" else ""
    return (f"**This page's run** ({record.setting} setting{', seeds ' + seeds if seeds else ''}) wrote "
            f"{len(record.hashes)} files whose digest is `{digest(record)[:16]}`. To check yours, run "
            f"`policywerk build {info.module}{quick}`; `policywerk list{quick}` then shows its digest, and "
            f"`build/lessons/{record.setting}/manifest.json` the sha256 of every file.")


def sizes_of(files: dict[str, bytes]) -> dict[str, tuple[int, int]]:
    """Each picture's width and height, for its <img>: the page keeps its place before it loads."""
    return {name: size for name, data in files.items() if (size := intrinsic_size(data))}


def built(info, cells) -> tuple[str, dict[str, bytes]]:
    """The lesson's page and the files it shows, from its run, which must be there."""
    folder = output_dir(RUNS, SETTING, info)
    record = load_record(folder)
    if record is None:
        raise SystemExit(f"no usable run of {info.module} in {folder}")
    files = {name: (folder / name).read_bytes() for name in record.files()}
    page = render(info, cells, record, assets=info.slug, provenance=provenance(info, record),
                  source_url=SOURCE_URL, sizes=sizes_of(files))
    return page, files


def served(info, cells) -> tuple[str, dict[str, bytes]]:
    """Under `policywerk serve`: the page from a fresh run, else the failure of the lesson's current code,
    else the page that says it is being built."""
    record = fresh_record(info, SETTING, RUNS)
    if record is not None:
        folder = output_dir(RUNS, SETTING, info)
        try:
            files = {name: (folder / name).read_bytes() for name in record.files()}
        except OSError:  # a new run was swapped in meanwhile: the rebuild that its landing starts shows it
            pass
        else:
            page = render(info, cells, record, assets=info.slug, provenance=provenance(info, record),
                          source_url=SOURCE_URL, sizes=sizes_of(files))
            return page, files
    failed = serve.failure(serve.read_status(Path(STATUS)), info, SETTING)
    if failed is not None:
        return render_failed(info, cells, failed.get("error", ""), failed.get("details", ""),
                             failed.get("cell", 0), assets=info.slug), {}
    return render_pending(info, cells, info.slug, serve.estimate(info, SETTING, RUNS)), {}


for info in lessons.available():
    try:
        cells = parse_file(info.path)
    except (OSError, ValueError):
        if not STATUS:
            raise
        cells = [Cell(1, "markdown", f"# Lesson {info.number:02d} · {info.title}", 1)]  # its failure says why
    page = f"lessons/{info.slug}.md"
    text, files = served(info, cells) if STATUS else built(info, cells)
    with mkdocs_gen_files.open(page, "w") as f:
        f.write(text)
    mkdocs_gen_files.set_edit_path(page, f"../{info.path.relative_to(ROOT).as_posix()}")
    for name, data in files.items():
        with mkdocs_gen_files.open(f"lessons/{info.slug}/{name}", "wb") as f:
            f.write(data)
    py, ipynb = downloads(info)
    with mkdocs_gen_files.open(f"lessons/{info.slug}/{py}", "wb") as f:
        f.write(info.path.read_bytes())
    with mkdocs_gen_files.open(f"lessons/{info.slug}/{ipynb}", "w") as f:
        f.write(to_notebook(cells + notebook_cells(info.module, len(cells) + 1),
                            title=f"Lesson {info.number:02d}: {info.title}"))

# The library as the try-it cells run it in the browser, beside the runtime (scripts/vendor_pyodide.py).
with mkdocs_gen_files.open("assets/pyodide/policywerk.zip", "wb") as f:
    f.write(browser_archive())

# Each concept page ends with the lessons that use it, the first one first.
for c in lessons.CONCEPTS:
    using = [info for info in lessons.CATALOG if c.slug in info.concepts]
    lines = ["", "## Where it appears", ""]
    for k, info in enumerate(using):
        name = f"Lesson {info.number:02d}, {info.title} ({info.authors} {info.year})"
        link = f"[{name}](../lessons/{info.slug}.md)" if info.exists else f"{name} *(coming)*"
        lines.append(f"- {link}" + (": where it first appears" if k == 0 else ""))
    with mkdocs_gen_files.open(f"concepts/{c.slug}.md", "a") as f:
        f.write("\n".join(lines) + "\n")

# The home page: a card per lesson, its poster, paper, year and mechanism.
cards = ['<div class="grid cards pw-lessons" markdown>', ""]
for info in lessons.CATALOG:
    poster = f"assets/posters/{info.slug}.png"
    has_poster = (ROOT / "docs" / poster).is_file()
    title = f"[{info.title}](lessons/{info.slug}.md)" if info.exists else f"{info.title} *(coming)*"
    cards.append(f"-   **{info.number:02d} · {title}**")
    cards.append("")
    if has_poster and info.exists:
        size = size_attributes(intrinsic_size((ROOT / "docs" / poster).read_bytes()))
        alt = f"Poster frame of lesson {info.number:02d}: {info.world}"
        cards.append(f"    [![{alt}]({poster}){{ loading=lazy{size} }}](lessons/{info.slug}.md)")
        cards.append("")
    cards.append(f"    {info.paper}, {info.year}. *{info.mechanism}*; {info.world}.")
    cards.append("")
cards.append("</div>")
rows = ["| # | Lesson | Paper | Year | Mechanism | World |", "|---:|---|---|---|---|---|"]
for info in lessons.CATALOG:
    title = f"[{info.title}](lessons/{info.slug}.md)" if info.exists else f"{info.title} *(coming)*"
    rows.append(f"| {info.number:02d} | {title} | {info.paper} | {info.year} | {info.mechanism} | {info.world} |")
with mkdocs_gen_files.open("index.md", "r") as f:
    home = f.read()
if "<!-- lessons -->" not in home:
    raise SystemExit("docs/index.md has lost its <!-- lessons --> marker, where the lessons go")
# Each lesson ends with exercises that check themselves; the home page shows how many the reader solved.
solvable = " ".join(EXERCISES)
progress = (f"\n\nEvery lesson ends with exercises: write one function of the library, and the page checks it. "
            f'<div class="pw-progress" data-scope="all" data-keys="{solvable}"></div>')
home = home.replace("<!-- lessons -->", "\n".join(cards) + "\n\nThe same, as a table:\n\n" + "\n".join(rows) + progress)
if "<!-- cite -->" not in home:
    raise SystemExit("docs/index.md has lost its <!-- cite --> marker, where the project's citation goes")
with mkdocs_gen_files.open("index.md", "w") as f:
    f.write(home.replace("<!-- cite -->", cite_section()))

# The changelog, kept by hand at the checkout's root, as a page of its own: every page's footer links to it.
with mkdocs_gen_files.open("changelog.md", "w") as f:
    f.write((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
mkdocs_gen_files.set_edit_path("changelog.md", "../CHANGELOG.md")

# The navigation, in the catalog's order: the home page, the lessons, the concepts.
nav = ["* [Home](index.md)", "* Lessons"]
nav += [f"    * [{info.number:02d} · {info.title}](lessons/{info.slug}.md)" for info in lessons.available()]
nav += ["* Concepts", "    * [Overview](concepts/index.md)"]
nav += [f"    * [{c.title}](concepts/{c.slug}.md)" for c in lessons.CONCEPTS]
with mkdocs_gen_files.open("SUMMARY.md", "w") as f:
    f.write("\n".join(nav) + "\n")
# literate-nav reads it; it is not a page of its own.
mkdocs_gen_files.FilesEditor.current().files.get_file_from_path("SUMMARY.md").inclusion = InclusionLevel.EXCLUDED
