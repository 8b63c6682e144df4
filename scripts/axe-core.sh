#!/usr/bin/env bash
# axe-core (Deque's accessibility engine, MPL-2.0) for the browser tests: a pinned version from the
# npm registry, checked against its published sha512, cached per user. The tests inject
# axe.min.js into each page (tests/e2e/axe.py); nothing of it ships with Sunbeon.
set -euo pipefail
version=4.14.1
integrity="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
dir="${SUNBEON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sunbeon}/axe-core-$version"
[ -s "$dir/axe.min.js" ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball="$tmp/axe-core-$version.tgz"
if command -v npm >/dev/null; then
  (cd "$tmp" && npm pack --silent "axe-core@$version" >/dev/null 2>&1)
else
  curl -fsSL -o "$tarball" "https://registry.npmjs.org/axe-core/-/axe-core-$version.tgz"
fi
got="sha512-$(python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tarball")"
if [ "$got" != "$integrity" ]; then
  echo "sunbeon: axe-core $version tarball does not match its published sha512" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$tmp" package/axe.min.js
mkdir -p "$dir"
mv "$tmp/package/axe.min.js" "$dir/axe.min.js"
echo "sunbeon: axe-core $version in $dir"
