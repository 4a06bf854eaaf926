"""Exercises that check themselves: the reader writes a function of the library, and ``check`` compares
it with the library's own on the lesson's known answers and on seeded random cases.

    from policywerk.exercises import check
    check("l04.expected_sarsa", my_expected_sarsa)   # in a notebook: prints the verdict

From a terminal: ``policywerk exercises`` lists them, ``policywerk check l04.expected_sarsa answer.py``
checks a file that defines the function.
"""

import sys
from collections.abc import Callable

from policywerk.exercises import l01, l02, l03, l04, l05, l06, l07
from policywerk.exercises.spec import Exercise, Verdict
from policywerk.exercises.spec import check as check_against
from policywerk.tryit import READER, reader_traceback

LAST = ""  # the last check_source's verdict: "right", "wrong" or "error" (the site's Check reads it)

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


def of_lesson(module: str) -> list[Exercise]:
    """The exercises of a lesson, ``l04_q_learning`` (or ``l04``), in the order they are listed."""
    prefix = module.split("_")[0] + "."
    return [e for key, e in EXERCISES.items() if key.startswith(prefix)]


def check_source(key: str, source: str) -> bool:
    """Check the function that ``source`` defines (the text of the site's exercise editor) and print
    the verdict; an error in the code prints its traceback, from the reader's code on."""
    global LAST
    exercise = find(key)
    namespace = {"__name__": "answer"}
    LAST = "error"
    try:
        exec(compile(source, READER, "exec"), namespace)
    except (Exception, SystemExit) as error:  # noqa: BLE001 - the reader's code, whatever it raises
        print(reader_traceback(error), end="", file=sys.stderr)
        return False
    function = namespace.get(exercise.name)
    if not callable(function):
        print(f"Your code defines no function {exercise.name}: keep the name the exercise starts with.",
              file=sys.stderr)
        return False
    right = check(key, function)
    LAST = "right" if right else "wrong"
    return right
