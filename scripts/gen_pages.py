"""Generate the lesson pages for MkDocs (run by the mkdocs-gen-files plugin on every build).

For each lesson that exists: make sure its cached run is fresh (running it in a subprocess if not, with
its progress on the console), then write ``lessons/<slug>.md`` and copy the files it showed beside it.
The setting comes from ``POLICYWERK_SETTING`` (``full``, the default, or ``quick``). A lesson that fails
stops the build with the lesson, cell and line; its previous good run stays cached.
"""

import os
import subprocess
import sys
from pathlib import Path

import mkdocs_gen_files

ROOT = Path(__file__).resolve().parents[1]
SETTING = os.environ.get("POLICYWERK_SETTING", "full")
RUNS = ROOT / "build" / "lessons"

# mkdocs serve keeps imported modules across rebuilds: drop ours so that edits to the library show.
for name in [n for n in sys.modules if n == "policywerk" or n.startswith("policywerk.")]:
    del sys.modules[name]
sys.path.insert(0, str(ROOT / "src"))

from policywerk import lessons  # noqa: E402
from policywerk.literate.cells import parse_file  # noqa: E402
from policywerk.literate.page import render  # noqa: E402
from policywerk.literate.runner import is_fresh, load_record, output_dir  # noqa: E402

if SETTING not in ("full", "quick"):
    raise SystemExit(f"POLICYWERK_SETTING must be 'full' or 'quick', got {SETTING!r}")

stale = [info.module for info in lessons.available() if not is_fresh(info, SETTING, RUNS)]
if stale:
    command = [sys.executable, "-m", "policywerk.literate", "build", "--root", str(RUNS), *stale]
    if SETTING == "quick":
        command.append("--quick")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    if subprocess.run(command, env=env).returncode != 0:
        raise SystemExit(f"lesson build failed ({', '.join(stale)}): see the error above")

for info in lessons.available():
    folder = output_dir(RUNS, SETTING, info)
    record = load_record(folder)
    if record is None:
        raise SystemExit(f"no usable run of {info.module} in {folder}")
    page = f"lessons/{info.slug}.md"
    with mkdocs_gen_files.open(page, "w") as f:
        f.write(render(info, parse_file(info.path), record, assets=info.slug))
    mkdocs_gen_files.set_edit_path(page, f"../{info.path.relative_to(ROOT).as_posix()}")
    for name in record.files():
        with mkdocs_gen_files.open(f"lessons/{info.slug}/{name}", "wb") as f:
            f.write((folder / name).read_bytes())

rows = ["| # | Lesson | Paper | Year | Mechanism | World |", "|---:|---|---|---|---|---|"]
for info in lessons.CATALOG:
    title = f"[{info.title}](lessons/{info.slug}.md)" if info.exists else f"{info.title} *(coming)*"
    rows.append(f"| {info.number:02d} | {title} | {info.paper} | {info.year} | {info.mechanism} | {info.world} |")
with mkdocs_gen_files.open("index.md", "a") as f:
    f.write("\n" + "\n".join(rows) + "\n")
