#!/usr/bin/env bash
# Copy the Pyodide runtime (CPython compiled to WebAssembly) that the try-it cells run in into
# docs/assets/pyodide/, from the pinned scripts/vendor/package-lock.json: npm ci checks each
# package's sha512 against the lock. At about 14 MB it is not committed (docs/assets/pyodide/ is
# ignored by git): `make serve`, `make site` and `make test` run this script when the folder is
# missing or older than the lock. Without npm the site still builds; its Run buttons then say the
# runtime is not part of this build.
# Usage: bash scripts/vendor_pyodide.sh   (from any folder)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$repo/scripts/vendor"
mods="$vendor/node_modules"
out="$repo/docs/assets/pyodide"
files=(pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip pyodide-lock.json)

if ! command -v npm >/dev/null 2>&1; then
  echo "vendor_pyodide: npm is not installed: the site builds without the in-browser runtime" >&2
  exit 0
fi
if [[ ! -f "$mods/pyodide/package.json" || "$vendor/package-lock.json" -nt "$mods/.package-lock.json" ]]; then
  (cd "$vendor" && npm ci --no-audit --no-fund --loglevel=error)
fi

version="$(node -p "require(process.argv[1]).version" "$mods/pyodide/package.json")"
staging="$(mktemp -d "$repo/docs/assets/.pyodide-XXXXXX")"
chmod 755 "$staging"
trap 'rm -rf "$staging"' EXIT
for f in "${files[@]}"; do cp "$mods/pyodide/$f" "$staging/$f"; done
cp "$vendor/licences/MPL-2.0.txt" "$staging/LICENSE"
cp "$vendor/licences/Python-PSF.txt" "$staging/LICENSE-CPython"
{
  echo "Pyodide ${version} (Mozilla Public License 2.0, see LICENSE), which contains CPython and its"
  echo "standard library (PSF licence, see LICENSE-CPython). Copied by scripts/vendor_pyodide.sh from the"
  echo "npm package pinned in scripts/vendor/package-lock.json; not committed. Loaded only when a reader"
  echo "presses Run in a try-it cell, in a Web Worker. sha256 of each file:"
  (cd "$staging" && sha256sum "${files[@]}")
} > "$staging/VENDORED.txt"
rm -rf "$out"
mv "$staging" "$out"
trap - EXIT
echo "vendored Pyodide ${version} -> ${out#"$repo"/}"
