#!/usr/bin/env bash
# Regenerates everything that comes from proto/: the ts-proto code of the server (gen/ts) and of
# the SDK (packages/sdk/gen), the descriptor set that server reflection serves
# (gen/descriptor.binpb, with imports and comments), each error reason's metadata type (both
# TypeScript trees), and Python stubs (gen/python) from the same contracts.
set -euo pipefail
cd "$(dirname "$0")/.."
npx buf lint
npx buf generate
# The SDK's tree leaves out the access rules (server-only); ts-proto still writes an empty module for their file.
rm -f packages/sdk/gen/imsop/api/v1/access.ts
npx buf build --as-file-descriptor-set -o gen/descriptor.binpb
npx tsx scripts/generate-error-metadata.ts

# Python: Debian's protoc and grpc_python_plugin (apt-get install protobuf-compiler
# protobuf-compiler-grpc python3-grpcio python3-protobuf); their versions match the runtime.
# gen/python is an importable tree that clients/python packages: modules with type stubs
# (.pyi), `imsop` a regular typed package, `google` left a namespace package (shared with
# protobuf's google.protobuf).
if command -v protoc >/dev/null && command -v grpc_python_plugin >/dev/null; then
  rm -rf gen/python && mkdir -p gen/python
  protoc -I proto -I vendor/proto --python_out=gen/python --pyi_out=gen/python --grpc_out=gen/python \
    --plugin=protoc-gen-grpc="$(command -v grpc_python_plugin)" \
    $(cd proto && find imsop -name '*.proto' | sort) $(cd vendor/proto && find google -name '*.proto' | sort)
  find gen/python/imsop -type d -exec touch {}/__init__.py \;
  touch gen/python/imsop/py.typed
else
  echo "protoc / grpc_python_plugin not found: gen/python left as is" >&2
fi
