"""Render a lesson's cells and its run record into one Markdown page: for MkDocs (Material), or as plain
Markdown that reads well on a code host without the site (``plain=True``).

Under the title each page gets a header made from the lesson's catalog entry: the paper with a link,
what the lesson simplifies, the concepts it uses, downloads of its source as a Python file and as a
notebook, and how to run it.

While ``policywerk serve`` builds a lesson, its page has no run to show: ``render_pending`` puts a note in
place of each cell's output, and ``render_failed`` shows the error of a run that failed.

Under a cell tagged ``try`` the site's page gets a try-it panel (``try_panel``), where the reader edits the
cell and runs it in the browser; the plain page shows it as an ordinary cell.
"""

from policywerk.lessons import LessonInfo, concept
from policywerk.literate import cite, exercise_page
from policywerk.literate.blocks import admonition, attribute, fence, folded, indent
from policywerk.literate.cells import Cell, code_cells
from policywerk.literate.images import size_attributes
from policywerk.literate.runner import Record


def source_base(repo_url: str | None, edit_uri: str) -> str:
    """Where the site links a file of the checkout: the repository's files on the branch that mkdocs.yml's
    ``edit_uri`` names, as the code host shows them: ``edit/main/docs/`` gives ``REPO/blob/main``, and a branch
    may hold slashes (``edit/release/1.x/docs/``)."""
    if not repo_url:
        raise ValueError("mkdocs.yml has no repo_url: set POLICYWERK_REPO_URL, or leave it unset for the placeholder")
    parts = edit_uri.strip("/").split("/")
    if len(parts) < 3 or parts[0] != "edit" or parts[-1] != "docs":
        raise ValueError(f"mkdocs.yml's edit_uri should read edit/BRANCH/docs/, not {edit_uri!r}")
    return f"{repo_url.rstrip('/')}/blob/{'/'.join(parts[1:-1])}"


class StaleRecord(Exception):
    """The record does not belong to these cells (the lesson changed after it ran)."""


def render(info: LessonInfo, cells: list[Cell], record: Record, assets: str, plain: bool = False,
           concepts: str = "../concepts", provenance: str = "", checkout: str = "", source_url: str = "",
           sizes: dict[str, tuple[int, int]] | None = None) -> str:
    """The page: prose as written, each code cell highlighted, and beneath it what that cell printed and
    showed. ``assets`` is the folder, relative to the page, that holds the record's files and the
    downloads; ``concepts``, the folder of the concept pages (None: no links to them). The library's code
    that a page quotes links to its file: under ``source_url`` on the site (the repository's files on
    its branch, from mkdocs.yml's settings: scripts/gen_pages.py), or for a plain page under ``checkout``,
    the checkout's root relative to the page, which also holds the lesson's own source. ``sizes``: the
    width and height of each picture the record shows, by file name (``images.intrinsic_size``), which its
    <img> carries on the site."""
    link_base = checkout or source_url
    code = code_cells(cells)
    if len(code) != len(record.cells):
        raise StaleRecord(f"{info.module} has {len(code)} code cells but its record has {len(record.cells)}")
    outputs = {cell.number: out for cell, out in zip(code, record.cells)}

    def beneath(cell: Cell) -> list[str]:
        shown = _outputs(outputs[cell.number], assets, plain, link_base, sizes or {})
        if plain or "try" not in cell.tags:
            return shown
        data = [item["file"] for number, out in outputs.items() if number < cell.number
                for item in out.shown if item["kind"] == "data"]  # what its setup may read
        return [*shown, try_panel(cell, cells, record.setting, data)]

    parts = _page(info, cells, assets, plain, concepts, checkout, [], beneath)
    exercises = exercise_page.section(info.module, plain, link_base)
    if exercises:
        parts.append(exercises)
    if provenance:
        parts += ["---", provenance]
    return "\n\n".join(parts) + "\n"


def render_pending(info: LessonInfo, cells: list[Cell], assets: str, seconds: float | None = None,
                   concepts: str = "../concepts") -> str:
    """The page of a lesson whose run is not there yet (``policywerk serve`` is building it): prose and code
    as on its finished page, and in place of each cell's output a note that it is being built, with the
    run's ``seconds`` if known. It shows no file of the run, so nothing on it can be missing."""
    took = f", which takes about {duration(seconds)} here" if seconds else ""
    top = admonition("note", "Being built", f"This lesson's run is being made in the background{took}. Its "
                      "prose and code are all here; what each code cell prints and draws appears in place of "
                      "its note when the run lands, and the page reloads by itself.")
    note = admonition("note", "Being built", "This cell's output appears here when the lesson's run lands"
                       + (f"; the whole run takes about {duration(seconds)}." if seconds else "."))
    return "\n\n".join(_page(info, cells, assets, False, concepts, "", [top], lambda cell: [note])) + "\n"


def render_failed(info: LessonInfo, cells: list[Cell], error: str, details: str = "", cell: int = 0,
                  assets: str = "", concepts: str = "../concepts") -> str:
    """The page of a lesson whose run failed (under ``policywerk serve``): its prose and code, the error at
    the top with its traceback folded, and again in place of the output of ``cell`` (its number among all
    the lesson's cells), the one that raised. ``error`` is the one line that names lesson, cell and line."""
    said = _code_span(error)
    body = (f"{said}\n\nNo output is shown until the lesson builds. `policywerk serve` builds it again when "
            "its code, or the library code it uses, changes; the other lessons go on.")
    if details:
        body += "\n\n" + admonition("failure", "Traceback", fence("text", details.strip("\n")), fold=True)
    top = admonition("failure", "This lesson failed to build", body)
    here = admonition("failure", "This cell failed", said)
    return "\n\n".join(_page(info, cells, assets, False, concepts, "", [top],
                             lambda c: [here] if c.number == cell else [])) + "\n"


def try_panel(cell: Cell, cells: list[Cell], setting: str = "full", data: list[str] = ()) -> str:
    """The place of a try-it cell's editor and runner (docs/javascripts/tryit.js) under its output: the
    cell's code, its setup (the code of the cells tagged ``setup`` above it), the build's setting and
    the data files its setup reads (their names: each is a download link above, whose address the
    browser takes), in data attributes, so that the browser runs what the build ran."""
    setup = "\n\n".join(c.source for c in cells if c.kind == "code" and "setup" in c.tags
                         and c.number < cell.number)
    files = f' data-files="{attribute(" ".join(data))}"' if data else ""
    return (f'<div class="pw-try" data-setting="{setting}" data-setup="{attribute(setup)}"{files} '
            f'data-code="{attribute(cell.source)}">'
            '<p class="pw-try-nojs"><strong>Try it:</strong> with JavaScript on, this cell can be edited and '
            'run here, in your browser; or download the lesson above and run it in Python.</p></div>')


def duration(seconds: float) -> str:
    """``40 s``, ``2 min 20 s``: a run's length as a reader reads it, to the nearest ten seconds above a minute."""
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, rest = divmod(round(seconds / 10) * 10, 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def _page(info: LessonInfo, cells: list[Cell], assets: str, plain: bool, concepts: str | None, checkout: str,
          top: list[str], beneath) -> list[str]:
    """The page's parts: the title, the header and then ``top``, the prose, and each code cell followed by
    ``beneath(cell)``."""
    parts: list[str] = []
    for cell in cells:
        if not parts and cell.kind == "markdown" and cell.source.startswith("# "):  # the title: the header
            title, _, rest = cell.source.partition("\n")                              # goes right under it
            parts += [title, header(info, assets, plain, concepts, checkout), *top]
            parts += [rest.strip("\n")] if rest.strip() else []
            continue
        if not parts:
            parts += top
        if cell.kind == "markdown":
            parts.append(cell.source)
        else:
            parts.append(fence("python", cell.source))
            parts += beneath(cell)
    return parts or top


def _outputs(out, assets: str, plain: bool, link_base: str, sizes: dict[str, tuple[int, int]]) -> list[str]:
    """What one cell printed and showed, each shown item after what the cell had printed when it was shown;
    ``link_base``: where the checkout's files are linked; ``sizes``: the pictures' (``render``)."""
    parts = []
    printed = 0
    animation = ""  # the animation a poster belongs to: the one shown just before it
    sidecars = {item["file"] for item in out.shown if item["kind"] == "frames"}
    for item in [*out.shown, None]:
        at = len(out.stdout) if item is None or item["at"] < 0 else item["at"]
        if out.stdout[printed:at].strip():
            parts.append(fence("text", out.stdout[printed:at].strip("\n"), 'title="Output"'))
        printed = max(printed, at)
        if item is not None:
            animation = item["file"] if item["kind"] == "animation" else animation
            shown = _shown(item, assets, plain, animation, sidecars, link_base, sizes.get(item.get("file", "")))
            if shown:
                parts.append(shown)
    return parts


def downloads(info: LessonInfo) -> tuple[str, str]:
    """The file names of the lesson's two downloads: its source and the notebook made from it."""
    return f"{info.module}.py", f"{info.module}.ipynb"


def header(info: LessonInfo, assets: str, plain: bool = False, concepts: str | None = "../concepts",
           checkout: str = "") -> str:
    py, ipynb = downloads(info)
    source = f"{checkout}/src/policywerk/lessons/{py}" if checkout else f"{assets}/{py}"
    citation = info.citation or f"{info.paper} ({info.year})."
    paper = f"**The paper.** {citation}" + (f" [Read it]({info.url})." if info.url else "")
    if info.references:
        entries = fence("bibtex", "\n\n".join(cite.paper(reference) for reference in info.references))
        paper += "\n\n" + folded("quote", "The paper as BibTeX", entries, plain)
    simplifies = " ".join(info.simplifies.split())  # one paragraph, whatever its line breaks
    used = " · ".join(f"[{concept(slug).title}]({concepts}/{slug}.md)" for slug in info.concepts)
    command = f".venv/bin/policywerk run {info.module.split('_')[0]}"
    run = (f"{command}          # the full setting, as on this page\n"
           f"{command} --quick  # tiny budgets, as in the tests\n"
           f"{command} --seed 7 # other seeds")
    if plain:
        lines = [paper] + ([f"> **What this lesson simplifies.** {simplifies}"] if simplifies else [])
        if used and concepts:
            lines.append(f"**Concepts:** {used}")
        lines.append(f"**Get it:** [{py}]({source}) · [{ipynb}]({assets}/{ipynb}) (a Jupyter notebook of the "
                     "same cells). **Run it** from a checkout, after `make install`:")
        lines.append(fence("sh", run))
        return "\n\n".join(lines)
    lines = [paper] + ([f'!!! abstract "What this lesson simplifies"\n\n    {simplifies}'] if simplifies else [])
    if used and concepts:
        lines.append(f"**Concepts it uses:** {used}")
    lines.append(f'[Download {py}]({assets}/{py}){{ .md-button download="{py}" }} '
                 f'[Download {ipynb}]({assets}/{ipynb}){{ .md-button download="{ipynb}" }}')
    lines.append('??? tip "Run it yourself"\n\n'
                 "    From a checkout of the repository, after `make install` (or `policywerk` alone in any "
                 "environment with `pip install -e .`):\n\n"
                 + indent(fence("sh", run))
                 + f"\n\n    It prints what this page shows and writes the pictures to `policywerk-out/`. The "
                 f"notebook, `{ipynb}`, holds the same cells; it needs the package installed the same way.")
    return "\n\n".join(lines)




def _code_span(text: str) -> str:
    """``text`` shown as it is, in one line of code, whatever Markdown or HTML it holds."""
    text = " ".join(text.split())
    ticks = "`"
    while ticks in text:
        ticks += "`"
    return f"{ticks} {text} {ticks}"






def _shown(item: dict, assets: str, plain: bool = False, animation: str = "",
           sidecars: set[str] = frozenset(), link_base: str = "", size: tuple[int, int] | None = None) -> str:
    alt = item["alt"].replace("\n", " ")
    if item["kind"] == "source":
        if not link_base:
            raise ValueError("a page that quotes the library's code needs source_url (the site) or checkout "
                             "(a plain page) to link it")
        return _source(item, alt, f"{link_base}/{item['path']}", plain)
    if item["kind"] == "table":
        if plain:
            return f"*{alt}*\n\n{item['markdown']}"
        return f'<p class="pw-caption">{_escape(alt)}</p>\n\n{_linked(item)}'
    if item["kind"] == "frames":  # the player's sidecar: named by its animation, never shown itself
        return ""
    src = f"{assets}/{item['file']}"
    if item["kind"] == "data":  # a file to download (and for the try-it cells to read), on the site only
        name = item["file"]
        return "" if plain else f'{_escape(alt)}\n\n[Download {name}]({src}){{ .md-button download="{name}" }}'
    if plain:  # the animation plays on a code host; its poster, the same last frame, would show twice
        return "" if item["kind"] == "poster" else f"![{_escape_alt(alt)}]({src})"
    if item["kind"] == "poster":  # shown instead of the animation to readers who ask for reduced motion
        if not animation:
            raise ValueError(f"the poster {item['file']} follows no animation in its cell")
        gif = f"{assets}/{animation}"
        return (f'[![{_escape_alt(alt)}]({src}){{ .pw-poster loading=lazy{size_attributes(size)} }}]({gif})'
                '{ .pw-poster-link title="The animation\'s last frame: open it to play the animation" }')
    if item["kind"] == "animation":  # the player (docs/javascripts/player.js) takes over where it has a sidecar
        stem = item["file"].removesuffix(".gif")
        frames = f' data-pw-frames="{stem}.json"' if f"{stem}.json" in sidecars else ""
        return (f'![{_escape_alt(alt)}]({src})'
                f'{{ #{anchor(stem)} .pw-animation{frames} loading=lazy{size_attributes(size)} }}')
    return f'![{_escape_alt(alt)}]({src}){{ .pw-figure loading=lazy{size_attributes(size)} }}'


def _source(item: dict, caption: str, url: str, plain: bool) -> str:
    """Library code the lesson quoted (``show.show_source``): its caption, a link to its file and lines,
    then the code, highlighted."""
    first, last = item["first_line"], item["last_line"]
    name = item["path"].removeprefix("src/policywerk/")
    link, code = f"{url}#L{first}-L{last}", fence("python", item["markdown"])
    if plain:
        return f"*{caption}* ([`{name}`, lines {first}–{last}]({link}))\n\n{code}"
    return (f'<p class="pw-caption">{_escape(caption)} (<a href="{link}"><code>{name}</code>, '
            f"lines {first}–{last}</a>)</p>\n\n{code}")


def anchor(animation: str) -> str:
    """The id of an animation on its page: what a trace table's rows link to."""
    return f"pw-{animation}"


def _linked(table: dict) -> str:
    """A table of an animation's trace with each row's first cell a link to that row's frame (the player
    shows the frame; without JavaScript the link leads to the animation)."""
    lines = table["markdown"].split("\n")
    if not table.get("frames"):
        return table["markdown"]
    href = f"#{anchor(table['animation'])}"
    column = lines[0].removeprefix("| ").partition(" |")[0]  # the first header names what the links count
    for k, frame in enumerate(table["frames"]):
        first, bar, rest = lines[2 + k].removeprefix("| ").removesuffix(" |").partition(" | ")
        if frame is None or not first:
            continue  # a row the animation does not show
        name = _escape(f"{column} {first}: show it in the animation").replace('"', "&quot;")
        link = f'<a class="pw-frame-link" href="{href}" data-pw-frame="{frame}" aria-label="{name}">{first}</a>'
        lines[2 + k] = f"| {link}{bar}{rest} |"
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_alt(text: str) -> str:
    return _escape(text).replace("[", "(").replace("]", ")")
