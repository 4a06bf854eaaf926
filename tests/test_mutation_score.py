"""scripts/mutation.py, which scores the mutation run: killed over all but the equivalent mutants, per module."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("mutation_score", ROOT / "scripts" / "mutation.py")
mutation = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mutation)


def test_a_module_scores_its_killed_over_its_judged_mutants_and_names_its_survivors(tmp_path):
    meta = tmp_path / "src" / "policywerk" / "rl" / "bellman.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {"f__mutmut_1": 1, "f__mutmut_2": 36, "f__mutmut_3": 0, "f__mutmut_4": 33, "f__mutmut_5": 0,
             "f__mutmut_6": None}
    meta.write_text(json.dumps({"exit_code_by_key": codes}))
    results = mutation.outcomes(tmp_path)
    assert list(results) == ["policywerk/rl/bellman"]
    table, survivors = mutation.score(results, {"f__mutmut_5": "the same sum in another order"})
    counts = table["policywerk/rl/bellman"]
    assert (counts["killed"], counts["survived"], counts["equivalent"], counts["unchecked"]) == (2, 2, 1, 1)
    assert mutation.percent(counts) == 50.0  # a timeout is a kill; a mutant no test reaches is a survivor
    assert survivors["policywerk/rl/bellman"] == ["f__mutmut_3", "f__mutmut_4"]


def test_an_equivalent_mutant_needs_its_reason(tmp_path):
    listed = tmp_path / "equivalents.txt"
    listed.write_text("# header\n\nf__mutmut_5 the same sum in another order\n")
    assert mutation.equivalents(listed) == {"f__mutmut_5": "the same sum in another order"}
    listed.write_text("f__mutmut_5\n")
    with pytest.raises(SystemExit, match="without a reason"):
        mutation.equivalents(listed)


def test_the_checked_in_list_of_equivalents_reads():
    assert all(reason for reason in mutation.equivalents().values())


def test_the_survivors_alone_are_listed_one_per_line_for_mutmut_to_judge_again(tmp_path, capsys):
    meta = tmp_path / "src" / "policywerk" / "math" / "stats.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {"g__mutmut_1": 0, "g__mutmut_2": 1, "g__mutmut_3": 5}}))
    assert mutation.main(["--mutants", str(tmp_path), "--survivors"]) == 0
    assert capsys.readouterr().out == "g__mutmut_1\ng__mutmut_3\n"
