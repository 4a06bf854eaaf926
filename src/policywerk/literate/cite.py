"""BibTeX for the site: each lesson's paper (the catalog's references, under the citation on its page) and the
project itself (the home page's "Cite" section, from CITATION.cff at the checkout's root)."""

import datetime
import re
import textwrap

from policywerk.lessons import Reference

WIDTH = 96  # no line longer: the page's code block never scrolls sideways


def entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    """One BibTeX entry, a field per line, the equals signs aligned; a long value (a paper with many authors)
    goes on over more lines, under its first."""
    width = max(len(name) for name, _ in fields)
    lines = []
    for name, value in fields:
        lead = f"  {name.ljust(width)} = "
        lines += textwrap.wrap(f"{{{value}}},", WIDTH, initial_indent=lead, subsequent_indent=" " * (len(lead) + 1),
                               break_long_words=False, break_on_hyphens=False)
    return "\n".join([f"@{kind}{{{key},", *lines, "}"])


def paper(reference: Reference) -> str:
    fields = [("author", " and ".join(reference.authors)), ("title", reference.title), *reference.fields]
    if reference.arxiv:
        fields += [("eprint", reference.arxiv), ("archivePrefix", "arXiv"),
                   ("url", f"https://arxiv.org/abs/{reference.arxiv}")]
    fields.append(("year", reference.year))
    return entry(reference.kind, reference.key, fields)


def project(cff: dict, url: str) -> str:
    """The project's entry from CITATION.cff (as YAML reads it: ``date-released`` a date) and the address the
    site is published at, which the file does not hold: a fork's site cites itself."""
    if not url:
        raise ValueError("the project's BibTeX needs the site's address (mkdocs.yml's site_url)")
    released = cff["date-released"]
    if not isinstance(released, datetime.date):
        raise ValueError(f"CITATION.cff's date-released should be a date (YYYY-MM-DD), not {released!r}")
    title, _, subtitle = cff["title"].partition(": ")
    fields = [("author", " and ".join(_author(person) for person in cff["authors"])),
              ("title", f"{{{title}}}" + (f": {subtitle}" if subtitle else "")),
              ("year", str(released.year)), ("version", str(cff["version"])),
              ("note", f"Version {cff['version']}"), ("url", url)]
    return entry("misc", re.sub(r"\W", "", title.lower()) + str(released.year), fields)


def _author(person: dict) -> str:
    """``Family, Given`` for a person; an organisation's name braced whole, so that BibTeX does not split it."""
    if "name" in person:
        return f"{{{person['name']}}}"
    given = person.get("given-names", "")
    particle = person.get("name-particle", "")
    family = f"{particle} {person['family-names']}".strip()
    return f"{family}, {given}" if given else family
