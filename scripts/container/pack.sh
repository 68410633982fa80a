#!/bin/sh
# Build step of the container image (and of test/production-install.test.ts): compiles the
# TypeScript once and packs the package (what `files` in package.json names) into
# OUT/imsop.tgz, next to the lockfile the production install pins its dependencies with.
# Run from the project root with dev dependencies installed.
set -eu
out=$1
mkdir -p "$out"
npm run build
# --ignore-scripts: `prepare` would build a second time.
tarball=$(npm pack --ignore-scripts --silent --pack-destination "$out")
mv "$out/$tarball" "$out/imsop.tgz"
cp package-lock.json "$out/package-lock.json"
