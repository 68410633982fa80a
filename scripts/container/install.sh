#!/bin/sh
# Production install (the container's runtime stage, and test/production-install.test.ts):
# unpacks a package made by pack.sh into DEST and installs its dependencies as the lockfile
# pins them, without dev and optional ones (no TypeScript, no tsx, no embedded PostgreSQL).
# Afterwards `node DEST/bin/imsop.js` runs on plain node.
# Usage: install.sh PACK_DIR DEST   (PACK_DIR holds imsop.tgz and package-lock.json)
set -eu
pack=$1
dest=$2
mkdir -p "$dest"
tar -xzf "$pack/imsop.tgz" -C "$dest" --strip-components=1
cp "$pack/package-lock.json" "$dest/package-lock.json"
cd "$dest"
# --ignore-scripts: the package's own `prepare` builds from sources, which a packed package
# does not have (dist/ is in it). bcrypt is the one dependency with an install step: it picks
# its prebuilt native binding, or compiles one on a platform without (needs python3, make, g++).
npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund
npm rebuild bcrypt
