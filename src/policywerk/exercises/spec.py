"""What an exercise is, and the checker that tells a reader whether their function is right.

An exercise names one function of the library, which is the reference answer. The checker calls the
reader's function and the library's on the same cases, first the known answers the lesson itself shows,
then seeded random cases, and compares the results: exactly where the arithmetic is exact, within a stated
tolerance otherwise. It also checks what a correct answer must never do, such as change its inputs. The
first case that fails is reported with its input, what was expected, what came back, and the hint that
applies; a right answer is shown the library's own code.
"""

import copy
import inspect
import math
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """One call to check: its arguments, where they come from, and the hint to give if it fails."""

    args: tuple
    about: str  # "the lesson's grid, the start cell" or "random case 4"
    hint: int = 0  # the number of the hint that helps with a failure here (1-based; 0: none)


@dataclass(frozen=True)
class Exercise:
    key: str  # "l04.expected_sarsa": the lesson and the function's name
    title: str
    level: str  # "warm-up", "core" or "hard"
    statement: str  # Markdown: what to write, as the lesson page shows it
    stub: str  # the function's signature and docstring, to start from
    hints: tuple[str, ...]
    reference: Callable  # the library's function: the right answer
    cases: Callable[[], Iterable[Case]]  # known answers first, then seeded random ones
    tolerance: float = 0.0  # 0: the results must be equal; else the largest difference allowed
    pure: bool = True  # the function must leave its arguments as they were; else change them as the library's does
    shown: Callable | None = None  # the library's code to show a right answer, if not ``reference``
    # For a function whose result is random: given the reader's function, the first case whose counts
    # are off, as (its number, the case, what the counts were), or None if all are right; in place of
    # comparing with ``reference``, whose choices the reader's need not repeat one for one.
    counts: Callable[[Callable], tuple[int, Case, str] | None] | None = None
    # Whether a result is right, given the case's arguments, the library's result and the reader's, where
    # more than one result is right (tied actions); None: equal within ``tolerance``.
    accepts: Callable[[tuple, object, object], bool] | None = None
    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]


@dataclass
class Verdict:
    ok: bool
    message: str
    cases: int = 0  # how many cases were checked
    failed: Case | None = field(default=None, repr=False)


def check(exercise: Exercise, function: Callable) -> Verdict:
    """Run ``function`` against the library's on every case of ``exercise``; stop at the first failure."""
    if exercise.counts is not None:
        return _check_counts(exercise, function)
    count = 0
    for case in exercise.cases():
        count += 1
        after = copy.deepcopy(case.args)
        expected = exercise.reference(*after)  # ``after``: the arguments as the library leaves them
        given = copy.deepcopy(case.args)
        try:
            returned = function(*given)
        except NotImplementedError:
            return Verdict(False, _not_written(exercise), count, case)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - the reader's error, shown to the reader
            trace = "".join(traceback.format_exception_only(type(error), error)).strip()
            return _failed(exercise, case, count, f"it raised {trace}")
        right = (exercise.accepts(case.args, expected, returned) if exercise.accepts
                 else same(expected, returned, exercise.tolerance))
        if not right:
            return _failed(exercise, case, count, f"expected {show(expected)}, it returned {show(returned)}")
        if exercise.pure and given != case.args:
            return _failed(exercise, case, count, "it changed its arguments, which it should only read")
        for k, (mine, theirs) in enumerate(zip(given, after)):
            if not exercise.pure and not same(theirs, mine, exercise.tolerance):
                return _failed(exercise, case, count, f"it left argument {k + 1} as {show(mine)}; expected "
                                                      f"{show(theirs)}")
    return _right(exercise, f"agrees with the library on all {count} cases", count)


def _check_counts(exercise: Exercise, function: Callable) -> Verdict:
    try:
        failure = exercise.counts(function)
    except NotImplementedError:
        return Verdict(False, _not_written(exercise))
    except (Exception, SystemExit) as error:  # noqa: BLE001 - the reader's error, shown to the reader
        trace = "".join(traceback.format_exception_only(type(error), error)).strip()
        return Verdict(False, f"Not yet: it raised {trace}.")
    if failure is not None:
        number, case, what = failure
        return _failed(exercise, case, number, what)
    return _right(exercise, "chooses as often as it should in every case", 0)


def _not_written(exercise: Exercise) -> str:
    return f"{exercise.name} is not written yet: replace the `raise NotImplementedError` with your code."


def _right(exercise: Exercise, how: str, count: int) -> Verdict:
    shown = exercise.shown or exercise.reference
    source = inspect.getsource(shown)
    where = f"{shown.__module__}.{shown.__qualname__}"
    return Verdict(True, f"Right: {exercise.name} {how}. The library's own ({where}):\n\n{source}", count)


def _failed(exercise: Exercise, case: Case, count: int, what: str) -> Verdict:
    hint = f"\nHint {case.hint}: {exercise.hints[case.hint - 1]}" if case.hint else ""
    message = (f"Not yet: case {count} ({case.about}) fails.\n  input: "
               f"{', '.join(show(a) for a in case.args)}\n  {what}.{hint}")
    return Verdict(False, message, count, case)


def same(expected: object, returned: object, tolerance: float) -> bool:
    """Equal, or for numbers (and lists of them) within ``tolerance``; a bool is not a number here."""
    if isinstance(expected, (list, tuple)):
        return (isinstance(returned, (list, tuple)) and len(returned) == len(expected)
                and all(same(e, r, tolerance) for e, r in zip(expected, returned)))
    numbers = (int, float)
    if isinstance(expected, numbers) and not isinstance(expected, bool):
        if not isinstance(returned, numbers) or isinstance(returned, bool):
            return False
        if math.isnan(expected):
            return math.isnan(returned)
        return abs(expected - returned) <= tolerance if tolerance else expected == returned
    return expected == returned


def show(value: object, limit: int = 300) -> str:
    """A value as the reader should see it, cut short if it is long."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + " …"
