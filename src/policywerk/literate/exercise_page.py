"""A lesson's exercises on its page and in its notebook (the exercises themselves, and the checker, are
``policywerk.exercises``).

On the site each exercise has its statement, the function to start from, hints that open one at a time,
an editor with a Check button (docs/javascripts/exercises.js, in the browser's Python) and the library's
answer, folded. The plain Markdown page has the same without the editor; the notebook has the statement,
a cell to write the function in and a cell that checks it."""

import inspect

from policywerk.exercises import Exercise, of_lesson
from policywerk.literate.blocks import attribute, fence, folded
from policywerk.literate.cells import Cell
from policywerk.sketch.axes import scientific

INTRO = ("Each exercise is a function of the library: write it, and the checker compares yours with the "
         "library's own on the cases this lesson shows and on random ones, and tells you the first case "
         "where they differ. On this page, write it in the editor and press Check (it runs in your browser). "
         "From a checkout, save it in a file and run `policywerk check <exercise> answer.py`; in the "
         "notebook, run the cell under it.")


def anchor(exercise: Exercise) -> str:
    return "exercise-" + exercise.key.replace(".", "-").replace("_", "-")


def section(module: str, plain: bool = False, source_url: str = "") -> str:
    """The page's "Exercises" section, or "" for a lesson without any."""
    exercises = of_lesson(module)
    if not exercises:
        return ""
    parts = ["## Exercises", INTRO]
    if not plain:
        parts.append('<div class="pw-progress" data-scope="lesson" data-keys="'
                     + attribute(" ".join(e.key for e in exercises)) + '"></div>')
    for number, exercise in enumerate(exercises, 1):
        parts += _exercise(number, exercise, plain, source_url)
    return "\n\n".join(parts)


def _exercise(number: int, exercise: Exercise, plain: bool, source_url: str) -> list[str]:
    title = f"### Exercise {number}: {exercise.title}"
    parts = [title if plain else f"{title} {{ #{anchor(exercise)} }}",
             f"*{exercise.level.capitalize()}.* {exercise.statement} {how_checked(exercise)}",
             fence("python", exercise.stub.rstrip("\n"))]
    command = f"policywerk check {exercise.key} answer.py"
    hints = [folded("tip", f"Hint {k}", text, plain) for k, text in enumerate(exercise.hints, 1)]
    if plain:
        return [*parts, f"Check it: `{command}`.", *hints, _answer(exercise, plain, source_url)]
    panel = (f'<div class="pw-exercise" data-key="{exercise.key}" data-name="{exercise.name}" '
             f'data-code="{attribute(exercise.stub)}">'
             f'<p class="pw-try-nojs">With JavaScript on, write it here and press Check; or run '
             f'<code>{command}</code> from a checkout.</p></div>')
    return [*parts, panel, *hints, _answer(exercise, plain, source_url)]


def how_checked(exercise: Exercise) -> str:
    """What the checker compares, in a sentence: how many cases, and how closely."""
    if exercise.counts is not None:
        return "*The checker calls yours many times with a seeded generator and counts its choices.*"
    cases = sum(1 for _ in exercise.cases())
    within = ("exactly" if not exercise.tolerance else
              f"to within {scientific(exercise.tolerance)} (sums added in another order may differ in the last digits)")
    return f"*The checker compares yours with the library's on {cases} cases, {within}.*"


def _answer(exercise: Exercise, plain: bool, source_url: str) -> str:
    shown = exercise.shown or exercise.reference
    code = inspect.getsource(shown)
    path = inspect.getsourcefile(shown) or ""
    rel = path[path.index("src/policywerk/"):] if "src/policywerk/" in path else ""
    line = inspect.getsourcelines(shown)[1]
    link = f" ([{rel}]({source_url}/{rel}#L{line}))" if rel and source_url else ""
    return folded("success", "The library's answer", f"The library's own{link}:\n\n{fence('python', code.rstrip())}",
                 plain)


def notebook_cells(module: str, first: int) -> list[Cell]:
    """The exercises as notebook cells, numbered from ``first``: for each, its statement and hints, the
    function to write, and the check."""
    exercises = of_lesson(module)
    cells: list[Cell] = []
    if exercises:
        cells.append(Cell(first, "markdown", "## Exercises\n\n" + INTRO, 0))
    for number, exercise in enumerate(exercises, 1):
        hints = "\n\n".join(folded("tip", f"Hint {k}", text, True) for k, text in enumerate(exercise.hints, 1))
        text = f"### Exercise {number}: {exercise.title}\n\n*{exercise.level.capitalize()}.* " \
               f"{exercise.statement} {how_checked(exercise)}\n\n{hints}"
        check = f'from policywerk.exercises import check\n\ncheck("{exercise.key}", {exercise.name})'
        for kind, source in (("markdown", text), ("code", exercise.stub.rstrip("\n")), ("code", check)):
            cells.append(Cell(first + len(cells), kind, source, 0))
    return cells
