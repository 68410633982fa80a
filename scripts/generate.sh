#!/usr/bin/env bash
# Regenerates everything in gen/ that comes from proto/: the ts-proto code (gen/ts) and the
# descriptor set that server reflection serves (gen/descriptor.binpb, with imports and comments).
set -euo pipefail
cd "$(dirname "$0")/.."
npx buf lint
npx buf generate
npx buf build --as-file-descriptor-set -o gen/descriptor.binpb
