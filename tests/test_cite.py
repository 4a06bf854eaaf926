"""Cite it: CITATION.cff is valid against the Citation File Format's schema (cffconvert), and the BibTeX the site
shows, the project's and each lesson's paper's, reads back whole in an independent parser (bibtexparser)."""

import re
import tomllib
from pathlib import Path

import bibtexparser
import pytest
import yaml
from cffconvert import Citation
from jsonschema.exceptions import ValidationError

from policywerk.lessons import CATALOG
from policywerk.literate import cite

ROOT = Path(__file__).resolve().parents[1]
CFF = (ROOT / "CITATION.cff").read_text(encoding="utf-8")


def parsed(text: str) -> list:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return library.entries


def plain(text: str) -> str:
    """A field's text as it reads: without BibTeX's braces, and on one line."""
    return " ".join(text.replace("{", "").replace("}", "").split())


def test_citation_cff_is_valid_and_a_broken_one_is_not():
    Citation(CFF).validate()
    with pytest.raises(ValidationError, match="author"):
        Citation(CFF.replace("authors:", "author:")).validate()


def test_citation_cff_names_the_packages_version():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert str(yaml.safe_load(CFF)["version"]) == version


def test_the_projects_bibtex_reads_back_with_the_sites_address():
    data = yaml.safe_load(CFF)
    (entry,) = parsed(cite.project(data, "https://a-fork.github.io/rl-notes/"))
    assert entry.entry_type == "misc" and entry.key == f"policywerk{data['date-released'].year}"
    assert plain(entry["title"]) == data["title"]
    assert entry["author"] == "{The Policywerk authors}"  # an organisation, kept whole: not "authors, The P."
    assert entry["year"] == str(data["date-released"].year) and entry["version"] == str(data["version"])
    assert entry["url"] == "https://a-fork.github.io/rl-notes/"


def test_the_projects_key_is_one_word_whatever_the_title():
    data = {**yaml.safe_load(CFF), "title": "Policy Werk's notes: RL"}
    (entry,) = parsed(cite.project(data, "https://example.org/"))
    assert entry.key == f"policywerksnotes{data['date-released'].year}"  # from the title before its colon
    with pytest.raises(ValueError, match="site_url"):
        cite.project(data, None)


def test_a_person_is_family_name_first():
    people = [{"family-names": "Neumann", "given-names": "John", "name-particle": "von"}, {"family-names": "Ada"}]
    data = {**yaml.safe_load(CFF), "authors": people}
    (entry,) = parsed(cite.project(data, "https://example.org/"))
    assert entry["author"] == "von Neumann, John and Ada"


@pytest.mark.parametrize("info", CATALOG, ids=lambda info: info.slug)
def test_each_lessons_paper_reads_back_and_agrees_with_its_citation(info):
    entries = parsed("\n\n".join(cite.paper(reference) for reference in info.references))
    assert len(entries) == len(info.references) >= 1
    for entry, reference in zip(entries, info.references):
        assert entry.key == reference.key and entry["year"] == reference.year
        assert plain(entry["title"]) in info.citation and f"({reference.year})" in info.citation
        first = reference.authors[0].split(",")[0]
        assert first in info.citation, (first, info.citation)
        assert re.fullmatch(r"[a-z]+\d{4}[a-z]+", entry.key)
        doi = dict(reference.fields).get("doi")
        assert doi is None or info.url == f"https://doi.org/{doi}"  # the page's "Read it" link is the same paper
    for line in "\n".join(cite.paper(r) for r in info.references).splitlines():
        assert len(line) <= cite.WIDTH, line  # the page's code block does not scroll sideways


def test_keys_are_unique():
    keys = [reference.key for info in CATALOG for reference in info.references]
    assert len(keys) == len(set(keys))
