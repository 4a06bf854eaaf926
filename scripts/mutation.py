"""The mutation score of the library, per module, from the last `mutmut run` (make mutation runs both).

mutmut (configured in pyproject.toml's [tool.mutmut]) changes the library's code one small edit at a time (a
`<` for a `<=`, a constant plus one, an argument dropped) and runs the unit tests against each such mutant. A
mutant the tests fail on is killed; one they pass is a survivor: a change to the code that no test notices.
This prints, for each module, how many mutants were killed (a timeout counts: the tests noticed), how many
survived, and the score: killed over all but the equivalent ones. An equivalent mutant means what the code meant
(a comparison at a point that no input reaches, a default equal to the value it replaces); each is listed with
its reason in scripts/mutation-equivalents.txt, which this reads.

    python scripts/mutation.py              the table, then every survivor that is not listed as equivalent
    python scripts/mutation.py --min 97     the same, and exit 1 if a module scores below 97%
    python scripts/mutation.py --survivors  only the survivors' names, one per line: `mutmut run` keeps a
                                            verdict until the function changes, so after a test is added
                                            `make mutation` hands these back to it to be judged again

`mutmut show NAME` shows a survivor's change; `mutmut browse` walks through them.
"""

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "scripts" / "mutation-equivalents.txt"

# mutmut's exit codes, as its stats module reads them: what a mutant's tests said.
CAUGHT = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}


def equivalents(path: Path = EQUIVALENTS) -> dict[str, str]:
    """The mutants listed as equivalent: name -> why it changes nothing."""
    listed = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path.name}:{number}: {name} is listed without a reason")
        listed[name] = reason.strip()
    return listed


def outcomes(folder: Path = MUTANTS) -> dict[str, dict[str, int | None]]:
    """Each mutated module's mutants and their exit codes, from mutmut's .meta files."""
    found = {}
    for meta in sorted(folder.rglob("*.py.meta")):
        module = meta.relative_to(folder / "src").as_posix().removesuffix(".py.meta")
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if codes:  # a module with nothing to mutate (an __init__) is left out
            found[module] = codes
    return found


def score(results: dict[str, dict[str, int | None]], equivalent: dict[str, str]):
    """Per module: the counts, and the survivors that are not equivalent."""
    table, survivors = {}, defaultdict(list)
    for module, codes in results.items():
        counts = Counter()
        for name, code in codes.items():
            if name in equivalent:
                counts["equivalent"] += 1
            elif code in CAUGHT:
                counts["killed"] += 1
            elif code in SURVIVED:
                counts["survived"] += 1
                survivors[module].append(name)
            else:  # not run yet, skipped, or suspicious: the run is not finished
                counts["unchecked"] += 1
        table[module] = counts
    return table, survivors


def percent(counts: Counter) -> float | None:
    """Killed over judged, in percent; None while none of the module's mutants has been judged."""
    judged = counts["killed"] + counts["survived"]
    return 100.0 * counts["killed"] / judged if judged else None


def shown(counts: Counter) -> str:
    value = percent(counts)
    return "    n/a" if value is None else f"{value:>6.1f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=None, help="fail if a module scores below this percentage")
    parser.add_argument("--mutants", type=Path, default=MUTANTS, help="mutmut's folder (default: the checkout's)")
    parser.add_argument("--survivors", action="store_true", help="print only the survivors' names")
    args = parser.parse_args(argv)
    if not args.mutants.is_dir():
        raise SystemExit(f"no {args.mutants}: run `mutmut run` (or `make mutation`) first")
    listed = equivalents()
    results = outcomes(args.mutants)
    table, survivors = score(results, listed)
    if args.survivors:
        print("\n".join(name for names in survivors.values() for name in names))
        return 0
    total = Counter()
    print(f"{'module':<34} {'mutants':>7} {'killed':>6} {'survived':>8} {'equiv.':>6} {'score':>7}")
    for module, counts in sorted(table.items()):
        total.update(counts)
        mutants = sum(counts.values())
        unchecked = f"  ({counts['unchecked']} not checked)" if counts["unchecked"] else ""
        print(f"{module:<34} {mutants:>7} {counts['killed']:>6} {counts['survived']:>8} {counts['equivalent']:>6} "
              f"{shown(counts)}{unchecked}")
    print(f"{'all':<34} {sum(total.values()):>7} {total['killed']:>6} {total['survived']:>8} "
          f"{total['equivalent']:>6} {shown(total)}")
    gone = sorted(set(listed) - {name for codes in results.values() for name in codes})
    if gone:
        print(f"\nlisted as equivalent but no longer a mutant (the code changed; look again): {', '.join(gone)}")
    for module, names in sorted(survivors.items()):
        print(f"\nsurvivors in {module} (`mutmut show NAME`):")
        for name in sorted(names, key=lambda n: (n.rsplit("_", 1)[0], int(n.rsplit("_", 1)[1]))):
            print(f"  {name}")
    low = [module for module, counts in table.items()
           if args.min is not None and (percent(counts) is None or percent(counts) < args.min)]
    if low:
        print(f"\nbelow {args.min:g}%: {', '.join(sorted(low))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
