"""Run a reader's version of a lesson's cell, as the site's try-it cells do in the browser.

The site runs this module in Pyodide (CPython compiled to WebAssembly) inside a Web Worker, with the
library unpacked beside it. ``run`` executes the lesson's setup (the cells tagged ``setup``: its
imports and settings, whose output is not shown again), then the reader's code, in one namespace, as
a notebook would; what the code prints goes to stdout as it is printed. An error in the reader's code
prints its traceback, trimmed to the frames from the reader's code on, to stderr.

The lessons' figures are drawn by ``policywerk.viz`` with matplotlib, which the browser does not have,
so the browser's archive leaves ``viz`` out; there ``use_viz_stand_ins`` lets the lessons' imports of it
succeed, with functions that draw nothing and return None. The try-it cells draw with
``policywerk.sketch`` instead, whose SVG pictures ``run`` hands to the page. Like everything but
``viz``, this module imports only the standard library (and ``policywerk.session``).
"""

import contextlib
import functools
import importlib.abc
import importlib.machinery
import importlib.util
import io
import sys
import traceback
import types
from collections.abc import Callable
from pathlib import Path

from policywerk.session import Session, Shown, activate

READER = "<your code>"  # the file name of the reader's code in tracebacks
SETUP = "<lesson setup>"


def run(setup: str, code: str, quick: bool = False, picture: Callable[[str, str], None] | None = None) -> bool:
    """Run ``setup`` (silently: its output stands on the page already), then ``code``, in a fresh
    namespace and in the setting the page was built in (``quick``: the tests' setting), with no
    progress reports; True if both ran without an error. Each SVG picture the code shows (drawn by
    ``policywerk.sketch``) goes to ``picture(svg, alt)``, in its place among the printed lines."""
    with activate(Session(quick=quick, progress="off")) as session:
        return _run(setup, code, session, picture)


def _send(picture: Callable[[str, str], None], path: Path, item: Shown) -> None:
    if path.suffix != ".svg":  # matplotlib's pictures: drawn in the site's build only
        print(f"[{item.kind} {path.name}: drawn in the site's build, not here]")
        return
    sys.stdout.flush()  # the lines printed before the picture go first
    picture(path.read_text(encoding="utf-8"), item.alt)


def _run(setup: str, code: str, session: Session, picture: Callable[[str, str], None] | None) -> bool:
    namespace = {"__name__": "__main__"}
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # what the page shows above, not again
            exec(compile(setup, SETUP, "exec"), namespace)
    except BaseException as error:  # noqa: BLE001 - shown to the reader, whatever it is
        print("The lesson's setup failed (this is the site's fault, not your code's):", file=sys.stderr)
        traceback.print_exception(error, file=sys.stderr)
        return False
    if picture is not None:  # the reader's pictures, not the setup's
        session.on_file = functools.partial(_send, picture)
    try:
        exec(compile(code, READER, "exec"), namespace)
    except BaseException as error:  # noqa: BLE001 - KeyboardInterrupt and SystemExit included
        print(reader_traceback(error), end="", file=sys.stderr)
        return False
    return True


def reader_traceback(error: BaseException) -> str:
    """The traceback of ``error`` from the first frame of the reader's code on (the frames of this
    runner above it are left out); a syntax error shows the offending line with a caret."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != READER:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


class _StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``policywerk.viz`` and its modules when they cannot be imported, as modules of
    stand-ins: every name is a function that draws nothing."""

    prefix = "policywerk.viz"

    def find_spec(self, name, path=None, target=None):
        if name != self.prefix and not name.startswith(self.prefix + "."):
            return None
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        return _StandInModule(spec.name)

    def exec_module(self, module):
        module.__path__ = []


class _StandInModule(types.ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)

        def draws_nothing(*args, **kwargs):
            """Pictures are drawn in the site's build, with matplotlib; here this does nothing."""
            return None

        draws_nothing.__name__ = name
        return draws_nothing


def use_viz_stand_ins() -> bool:
    """Let ``policywerk.viz`` be imported where it is left out (the browser's archive of the library);
    True if stand-ins were needed."""
    if importlib.util.find_spec("policywerk.viz") is not None:
        return False
    if not any(isinstance(finder, _StandIns) for finder in sys.meta_path):
        sys.meta_path.append(_StandIns())  # asked last, after the real modules were not found
    return True
