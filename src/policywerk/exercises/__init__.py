"""Exercises that check themselves: the reader writes a function of the library, and ``check`` compares
it with the library's own on the lesson's known answers and on seeded random cases.

    from policywerk.exercises import check
    check("l04.expected_sarsa", my_expected_sarsa)   # in a notebook: prints the verdict

From a terminal: ``policywerk exercises`` lists them, ``policywerk check l04.expected_sarsa answer.py``
checks a file that defines the function.
"""

from collections.abc import Callable

from policywerk.exercises import l01, l02, l03, l04, l05, l06, l07
from policywerk.exercises.spec import Exercise, Verdict
from policywerk.exercises.spec import check as check_against

EXERCISES: dict[str, Exercise] = {e.key: e for module in (l01, l02, l03, l04, l05, l06, l07)
                                 for e in module.EXERCISES}


def find(key: str) -> Exercise:
    """The exercise called ``key`` (``l04.expected_sarsa``); a KeyError that lists them otherwise."""
    if key not in EXERCISES:
        raise KeyError(f"no exercise {key!r}; there are: {', '.join(EXERCISES)}")
    return EXERCISES[key]


def check(key: str, function: Callable) -> bool:
    """Check ``function`` against exercise ``key``, print the verdict, and say whether it is right."""
    verdict: Verdict = check_against(find(key), function)
    print(verdict.message)
    return verdict.ok
