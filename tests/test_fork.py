"""Where the site and its repository are comes from one place: mkdocs.yml reads them from the environment, with
defaults that are plainly placeholders, and the Pages workflow sets them from the repository it runs in. The
test suite's site is built as the workflow would publish it from a fork (conftest.FORK), and links to the fork."""

import os
import re
from pathlib import Path

import pytest
from mkdocs.config import load_config

from conftest import FORK, publishing_environment
from policywerk.literate.page import source_base

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY = f"{FORK['github.server_url']}/{FORK['github.repository']}"
# Whatever would point a published site anywhere but at its own repository: the defaults, and the old address.
NOT_HERE = ("not-set.invalid", "repository not set", "policywerk/policywerk", "policywerk.github.io")


def settings_read_by_mkdocs() -> set[str]:
    return set(re.findall(r"!ENV \[(\w+),", (ROOT / "mkdocs.yml").read_text(encoding="utf-8")))


def config(env: dict[str, str]):
    """mkdocs.yml as mkdocs reads it with the POLICYWERK_ settings of ``env`` and no others."""
    saved = {name: value for name, value in os.environ.items() if name.startswith("POLICYWERK_")}
    for name in saved:
        del os.environ[name]
    os.environ.update(env)
    try:
        return load_config(str(ROOT / "mkdocs.yml"))
    finally:
        for name in env:
            del os.environ[name]
        os.environ.update(saved)


def test_the_workflow_sets_every_setting_that_mkdocs_reads_from_the_environment():
    read = settings_read_by_mkdocs()
    assert read == {"POLICYWERK_SITE_URL", "POLICYWERK_REPO_URL", "POLICYWERK_REPO_NAME"}
    assert set(publishing_environment(FORK)) == read


def test_unset_the_addresses_are_placeholders_that_cannot_resolve():
    default = config({})
    for url in (default.site_url, default.repo_url):
        host = re.match(r"https://([^/]+)/", url)[1]
        assert host.endswith(".invalid"), url  # RFC 2606: a name that can never resolve
    assert default.repo_name == "repository not set"


def test_in_a_fork_the_settings_are_the_forks():
    forked = config(publishing_environment(FORK))
    assert forked.site_url == "https://a-fork.github.io/rl-notes/"
    assert forked.repo_url == REPOSITORY and forked.repo_name == "a-fork/rl-notes"


@pytest.mark.parametrize("repo_url, edit_uri, base", [
    ("https://github.com/a/b", "edit/main/docs/", "https://github.com/a/b/blob/main"),
    ("https://github.com/a/b/", "edit/release/1.x/docs/", "https://github.com/a/b/blob/release/1.x"),
])
def test_the_source_links_follow_the_repository_and_the_branch_of_edit_uri(repo_url, edit_uri, base):
    assert source_base(repo_url, edit_uri) == base


@pytest.mark.parametrize("repo_url, edit_uri, said", [
    (None, "edit/main/docs/", "no repo_url"), ("", "edit/main/docs/", "no repo_url"),
    ("https://github.com/a/b", "edit/main", "edit/BRANCH/docs/"),
    ("https://github.com/a/b", "blob/main/docs/", "edit/BRANCH/docs/")])
def test_a_setting_the_links_cannot_follow_is_named(repo_url, edit_uri, said):
    with pytest.raises(ValueError, match=re.escape(said)):
        source_base(repo_url, edit_uri)


def test_the_site_built_in_a_fork_links_to_the_fork_and_nowhere_else(quick_site):
    texts = [path for path in quick_site.rglob("*") if path.suffix in (".html", ".xml", ".json", ".js", ".md", ".py")]
    assert len(texts) > 50
    for path in texts:
        text = path.read_text(encoding="utf-8", errors="replace")
        for wrong in NOT_HERE:
            assert wrong not in text, f"{path.relative_to(quick_site)} still names {wrong!r}"
    home = (quick_site / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{REPOSITORY}" title="Go to repository" class="md-source">' in home
    assert '<link rel="canonical" href="https://a-fork.github.io/rl-notes/">' in home
    lesson = (quick_site / "lessons" / "l04-q-learning" / "index.html").read_text(encoding="utf-8")
    edit = f'href="{REPOSITORY}/edit/main/src/policywerk/lessons/l04_q_learning.py"'
    source = f'<a href="{REPOSITORY}/blob/main/src/policywerk/agents/td_control.py#L'
    assert edit in lesson and source in lesson
    assert "<loc>https://a-fork.github.io/rl-notes/lessons/l04-q-learning/</loc>" in (
        quick_site / "sitemap.xml").read_text(encoding="utf-8")
