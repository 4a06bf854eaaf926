#!/usr/bin/env bash
# Copy the Pyodide runtime (CPython compiled to WebAssembly) that the try-it cells run in into
# docs/assets/pyodide/, from the pinned scripts/vendor/pyodide/package-lock.json: npm ci checks the
# package's sha512 against the lock. It is installed into a temporary folder, which goes away again,
# and at about 14 MB it is not committed (docs/assets/pyodide/ is ignored by git): `make serve`,
# `make site` and `make test` run this script when the folder is missing or older than the lock.
# Without npm the site still builds; its Run buttons then say that Python could not start.
#
# One change is made to the copy: pyodide.mjs falls back to a CDN for packages it does not find
# beside itself. The site loads none, and makes no request to another origin, so that default is
# replaced by the runtime's own folder (the worker also passes packageBaseUrl, which takes precedence).
# Usage: bash scripts/vendor_pyodide.sh   (from any folder)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pinned="$repo/scripts/vendor/pyodide"
out="$repo/docs/assets/pyodide"
files=(pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip pyodide-lock.json)

if ! command -v npm >/dev/null 2>&1; then
  echo "vendor_pyodide: npm is not installed: the site builds without the in-browser runtime" >&2
  exit 0
fi

work="$(mktemp -d)"
staging="$(mktemp -d "$repo/docs/assets/.pyodide-XXXXXX")"
trap 'rm -rf "$work" "$staging"' EXIT
chmod 755 "$staging"
cp "$pinned/package.json" "$pinned/package-lock.json" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
package="$work/node_modules/pyodide"
version="$(node -p "require(process.argv[1]).version" "$package/package.json")"
for f in "${files[@]}"; do cp "$package/$f" "$staging/$f"; done

# the CDN default of pyodide.mjs (a template literal with the version in it) -> "./"
cdn='https://cdn\.jsdelivr\.net/pyodide/v\$\{[A-Za-z_$][A-Za-z0-9_$]*\}/full/'
found="$(grep -oE "$cdn" "$staging/pyodide.mjs" | wc -l)"
if [[ "$found" != 1 ]]; then
  echo "vendor_pyodide: expected the CDN default once in pyodide.mjs, found it $found times:" \
       "a new Pyodide needs this script looked at" >&2
  exit 1
fi
sed -E -i "s#$cdn#./#" "$staging/pyodide.mjs"
if grep -qE "https?://" "$staging/pyodide.mjs"; then
  echo "vendor_pyodide: pyodide.mjs still names another origin" >&2
  exit 1
fi

cp "$repo/scripts/vendor/licences/MPL-2.0.txt" "$staging/LICENSE"
cp "$repo/scripts/vendor/licences/Python-PSF.txt" "$staging/LICENSE-CPython"
{
  echo "Pyodide ${version} (Mozilla Public License 2.0, see LICENSE), which contains CPython and its"
  echo "standard library (PSF licence, see LICENSE-CPython). Copied by scripts/vendor_pyodide.sh from the"
  echo "npm package pinned in scripts/vendor/pyodide/package-lock.json; not committed. Loaded only when a"
  echo "reader presses Run in a try-it cell, in a Web Worker. One change: pyodide.mjs's CDN default for"
  echo "packages is replaced by its own folder. sha256 of each file, as copied:"
  (cd "$staging" && sha256sum "${files[@]}")
} > "$staging/VENDORED.txt"
rm -rf "$out"
mv "$staging" "$out"
echo "vendored Pyodide ${version} -> ${out#"$repo"/}"
