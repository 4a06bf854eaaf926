"""Copy the Pyodide runtime (CPython compiled to WebAssembly) that the try-it cells run in into docs/assets/pyodide/,
from the pinned scripts/vendor/pyodide/package-lock.json: ``npm ci`` checks the package's sha512 against the lock.
It is installed into a temporary folder, which goes away again, and at about 14 MB it is not committed
(docs/assets/pyodide/ is ignored by git): ``make serve``, ``make site`` and ``make test`` (scripts/make.py) run this
when the folder is missing or older than the lock. Without npm the site still builds; its Run buttons then say
that Python could not start.

One change is made to the copy: pyodide.mjs falls back to a CDN for packages it does not find beside itself. The
site loads none, and makes no request to another origin, so that default is replaced by the runtime's own folder
(the worker also passes packageBaseUrl, which takes precedence).

Usage: python scripts/vendor_pyodide.py   (from any folder, on any system with npm)
"""

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PINNED = REPO / "scripts" / "vendor" / "pyodide"
OUT = REPO / "docs" / "assets" / "pyodide"
FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
# the CDN default of pyodide.mjs: a template literal with the version in it
CDN = re.compile(r"https://cdn\.jsdelivr\.net/pyodide/v\$\{[A-Za-z_$][A-Za-z0-9_$]*\}/full/")


class VendorError(Exception):
    """The package no longer looks as this script expects: a new Pyodide needs the script looked at."""


def vendor(out: Path = OUT) -> str:
    """Install the pinned package and copy its runtime into ``out``, whole or not at all; its version, or ""
    without npm."""
    npm = shutil.which("npm")
    if npm is None:
        print("vendor_pyodide: npm is not installed: the site builds without the in-browser runtime", file=sys.stderr)
        return ""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, tempfile.TemporaryDirectory(dir=out.parent, prefix=".pyodide-") as tmp:
        for name in ("package.json", "package-lock.json"):
            shutil.copy(PINNED / name, Path(work) / name)
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=work, check=True)
        package = Path(work) / "node_modules" / "pyodide"
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
        staging = Path(tmp) / "pyodide"
        staging.mkdir()
        for name in FILES:
            shutil.copy(package / name, staging / name)
        _point_packages_home(staging / "pyodide.mjs")
        shutil.copy(REPO / "scripts" / "vendor" / "licences" / "MPL-2.0.txt", staging / "LICENSE")
        shutil.copy(REPO / "scripts" / "vendor" / "licences" / "Python-PSF.txt", staging / "LICENSE-CPython")
        (staging / "VENDORED.txt").write_text(_provenance(version, staging), encoding="utf-8")
        shutil.rmtree(out, ignore_errors=True)
        staging.rename(out)
    return version


def _point_packages_home(mjs: Path) -> None:
    text = mjs.read_text(encoding="utf-8")
    text, found = CDN.subn("./", text)
    if found != 1:
        raise VendorError(f"expected the CDN default once in pyodide.mjs, found it {found} times")
    if re.search(r"https?://", text):
        raise VendorError("pyodide.mjs still names another origin")
    mjs.write_text(text, encoding="utf-8")


def _provenance(version: str, folder: Path) -> str:
    sums = "".join(f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}\n" for name in FILES)
    return (f"Pyodide {version} (Mozilla Public License 2.0, see LICENSE), which contains CPython and its\n"
            "standard library (PSF licence, see LICENSE-CPython). Copied by scripts/vendor_pyodide.py from the\n"
            "npm package pinned in scripts/vendor/pyodide/package-lock.json; not committed. Loaded only when a\n"
            "reader presses Run in a try-it cell, in a Web Worker. One change: pyodide.mjs's CDN default for\n"
            "packages is replaced by its own folder. sha256 of each file, as copied:\n" + sums)


def main() -> int:
    try:
        version = vendor()
    except (VendorError, subprocess.CalledProcessError) as error:
        print(f"vendor_pyodide: {error}: a new Pyodide needs this script looked at", file=sys.stderr)
        return 1
    if version:
        print(f"vendored Pyodide {version} -> {OUT.relative_to(REPO).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
