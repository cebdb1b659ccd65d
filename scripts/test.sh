#!/usr/bin/env bash
# The whole test suite: a short run of each fuzz target, then the unit and
# end-to-end tests (real Secret Service, real listeners, provider emulators,
# headless Chromium). Extra arguments go to `go test` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
# The private Secret Service below is always there: a keychain test that
# cannot reach it fails instead of skipping.
export ZAUTH_TEST_REQUIRE_KEYCHAIN=1

if [ $# -gt 0 ]; then
  exec scripts/with-keyring.sh go test -count=1 "$@"
fi

fuzztime=${ZAUTH_FUZZTIME:-8s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in \
  ./pkg/provider:FuzzParseScopes \
  ./pkg/oauth:FuzzParseTokenResponse \
  ./pkg/loopback:FuzzParseCallback \
  ./pkg/loopback:FuzzPastedURL; do
  pkg=${target%%:*} name=${target#*:}
  echo "fuzzing $name for $fuzztime"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1 || { cat "$log"; exit 1; }
done

scripts/with-keyring.sh go test -count=1 ./...
