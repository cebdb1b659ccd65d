#!/usr/bin/env bash
# Checks the release configuration: installs goreleaser if needed, validates
# .goreleaser.yaml, builds a snapshot for this machine and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v2.15.0 # newer releases need a newer Go than we build with
gr=$(go env GOPATH)/bin/goreleaser
if ! "$gr" --version 2>/dev/null | grep -q "${version#v}"; then
  echo "installing goreleaser $version"
  GOFLAGS= go install "github.com/goreleaser/goreleaser/v2@$version"
fi

"$gr" check
"$gr" build --snapshot --clean --single-target --output dist/zauth >/dev/null
# The version comes from the ldflags: "dev" would mean they were not applied.
out=$(./dist/zauth version)
echo "$out"
[[ $out =~ ^zauth\ [0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "release-check: unexpected version output" >&2; exit 1; }
