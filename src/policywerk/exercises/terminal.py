"""The exercises from a terminal: ``policywerk exercises`` lists them, ``policywerk check KEY FILE`` checks
a reader's file. Exit codes: 0 right, 1 wrong, 2 for input that cannot be checked (an unknown exercise, a
missing file, a file that does not run or does not define the function), each said in one line."""

import runpy
from pathlib import Path

from policywerk.exercises import EXERCISES, find
from policywerk.exercises.spec import check


class CannotCheck(Exception):
    """Input that cannot be checked: the message says why, in one line."""


def listing() -> int:
    width = max(len(key) for key in EXERCISES)
    for key, exercise in EXERCISES.items():
        print(f"{key:<{width}}  {exercise.level:<8}  {exercise.title}")
    print(f"\ncheck an answer: policywerk check {next(iter(EXERCISES))} answer.py "
          "(a file that defines the function)")
    return 0


def check_file(key: str, path: Path) -> int:
    try:
        exercise = find(key)
    except KeyError as error:
        raise CannotCheck(error.args[0]) from None
    if not path.is_file():
        raise CannotCheck(f"no file {path}")
    try:
        namespace = runpy.run_path(str(path), run_name="answer")
    except SyntaxError as error:
        raise CannotCheck(f"{path} has a syntax error on line {error.lineno}: {error.msg}") from None
    except (Exception, SystemExit) as error:  # noqa: BLE001 - the reader's file, whatever it raises
        raise CannotCheck(f"{path} raised {type(error).__name__}: {error} while it was loaded") from None
    function = namespace.get(exercise.name)
    if not callable(function):
        raise CannotCheck(f"{path} defines no function {exercise.name}")
    verdict = check(exercise, function)
    print(verdict.message)
    return 0 if verdict.ok else 1
