#!/usr/bin/env bash
# The whole test suite: a short run of each fuzz target, then the unit and
# end-to-end tests (real Secret Service, real listeners, provider emulators,
# headless Chromium). Extra arguments go to `go test` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
# The private Secret Service below is always there: a keychain test that
# cannot reach it fails instead of skipping.
export ZAUTH_TEST_REQUIRE_KEYCHAIN=1

# Progress goes to stderr: compiling is silent, and the first run compiles
# for minutes.
say() { printf 'test.sh: %s\n' "$*" >&2; }

if [ $# -gt 0 ]; then
  say "building and running go test -count=1 $* (compiling first; the first run takes a few minutes)…"
  exec scripts/with-keyring.sh go test -count=1 "$@"
fi

say "the whole suite: fuzzing, then the unit and end-to-end tests. The first run compiles for a few minutes; later runs reuse Go's build cache."

# A count, not a duration: Go 1.26's fuzzing coordinator can fail a target
# with a bare "context deadline exceeded" when a duration runs out on a
# loaded machine (go.dev/issue/75804). 100000 inputs take a few seconds.
fuzztime=${ZAUTH_FUZZTIME:-100000x}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in \
  ./internal/provider:FuzzParseScopes \
  ./internal/oauth:FuzzParseTokenResponse \
  ./internal/loopback:FuzzParseCallback \
  ./internal/loopback:FuzzPastedURL \
  ./internal/jq:FuzzCompileAndRun; do
  pkg=${target%%:*} name=${target#*:}
  start=$SECONDS
  say "[1/2] fuzzing $name in $pkg, -fuzztime $fuzztime (after compiling it with coverage instrumentation)…"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1 || { cat "$log"; exit 1; }
  say "      done in $((SECONDS - start))s"
done

start=$SECONDS
say "[2/2] building and running the unit and end-to-end tests (go test -cover ./...): each package prints its result when it is done; the end-to-end tests build zauth, the test browser and, the first time, a third-party OpenID Provider first…"
status=0
# -cover in the same run: the coverage figures cost no second run.
scripts/with-keyring.sh go test -count=1 -cover ./... 2>&1 | tee "$log" || status=$?
say "      tests finished in $((SECONDS - start))s ($([ $status = 0 ] && echo passed || echo FAILED))"

# Statement coverage by package (in-package tests only; the end-to-end
# tests run the binary, which is not counted), with the targets for the
# command tree and the flows.
say "coverage by package (targets: cmd >= 60%, internal/session >= 80%):"
awk 'function show(p, c,   t, n) {
  sub("github.com/zauth-cli/zauth/?", "", p); if (p == "") p = "(main)"
  t = (p == "cmd") ? 60 : (p == "internal/session") ? 80 : 0
  n = c; sub("%.*", "", n)
  printf "  %-30s %7s%s\n", p, c, (t && n + 0 < t) ? "   BELOW TARGET " t "%" : ""
  if (t && n + 0 < t) below = 1
}
# A failing package prints its coverage alone, then "FAIL <package>".
/coverage: [0-9.]+% of statements/ {
  p = ""; for (i = 1; i <= NF; i++) { if ($i ~ /^github.com\//) p = $i; if ($i == "coverage:") c = $(i + 1) }
  if (p == "") pending = c; else show(p, c)
  next
}
/^FAIL\t/ && pending != "" { show($2, pending " (FAILED)"); pending = "" }
END { exit below }' "$log" >&2 || { say "coverage is below its target"; status=1; }
exit $status
