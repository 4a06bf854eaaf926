"""scripts/axe_audit.py, the accessibility audit: which pages it visits and how it counts what axe finds (the
browser part runs in the audit itself, with axe-core from the test extra)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("axe_audit", ROOT / "scripts" / "axe_audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_every_page_is_visited_but_the_assets_and_the_search_index(tmp_path):
    for folder in ("", "lessons/l01/", "changelog/", "assets/x/", "search/"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "index.html").write_text("<html></html>")
    assert audit.pages(tmp_path) == ["", "changelog/", "lessons/l01/"]


def test_the_report_counts_nodes_by_rule_width_and_scheme_and_fails_from_an_impact(capsys, monkeypatch, tmp_path):
    found = [{"page": "(home)", "width": "phone", "scheme": "dark", "rule": "color-contrast", "impact": "serious",
              "nodes": ["p > a", "code .c1"]},
             {"page": "x/", "width": "desktop", "scheme": "light", "rule": "empty-table-header", "impact": "minor",
              "nodes": ["th"]}]
    audit.report(found, 2, nodes=1)
    out = capsys.readouterr().out
    assert out.startswith("2 pages x 2 widths x 2 schemes = 8 page visits")
    assert "nodes by impact: critical 0, serious 2, moderate 0, minor 1" in out
    assert [line.split() for line in out.splitlines() if line.startswith("color-contrast ")] == [
        ["color-contrast", "serious", "0", "0", "0", "2"]]
    (tmp_path / "index.html").write_text("<html></html>")
    monkeypatch.setattr(audit, "audit", lambda site: found)
    assert audit.main(["--site", str(tmp_path), "--fail", "serious"]) == 1
    assert audit.main(["--site", str(tmp_path), "--fail", "critical"]) == 0
    with pytest.raises(SystemExit, match="holds no built site"):
        audit.main(["--site", str(tmp_path / "nowhere")])
