"""The library as the browser runs it: one zip archive for the try-it cells' runtime (Pyodide).

It holds every module of ``policywerk`` that runs on the standard library alone: not ``viz`` (matplotlib,
which the browser lacks; ``policywerk.tryit`` stands in for it there), ``literate`` (the build) or
``lessons`` (whose modules are pages, run by the build). The same sources give the same bytes: the files
go in sorted, with a fixed date.
"""

import io
import zipfile
from pathlib import Path

from policywerk.literate.deps import PACKAGE_ROOT

LEFT_OUT = ("viz", "literate", "lessons")
FIXED_DATE = (2020, 1, 1, 0, 0, 0)  # zip's earliest dates are 1980; any fixed one keeps bytes stable


def archive_files(package: Path = PACKAGE_ROOT) -> list[Path]:
    """The .py files that go in, relative to the package's parent folder, in sorted order."""
    files = []
    for path in sorted(package.rglob("*.py")):
        inside = path.relative_to(package)
        if inside.parts[0] in LEFT_OUT or "__pycache__" in inside.parts:
            continue
        files.append(path.relative_to(package.parent))
    return files


def browser_archive(package: Path = PACKAGE_ROOT) -> bytes:
    """The zip's bytes: ``policywerk/...`` paths, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in archive_files(package):
            info = zipfile.ZipInfo(name.as_posix(), FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, (package.parent / name).read_bytes())
    return buffer.getvalue()
