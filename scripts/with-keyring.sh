#!/usr/bin/env bash
# Runs a command with a private, unlocked Secret Service (gnome-keyring) on a
# private D-Bus session bus, and a throwaway HOME so the user's own keyrings
# are never touched. Used by the test suite and the benchmark.
#
#   scripts/with-keyring.sh go test ./...
set -euo pipefail
if [ "${ZAUTH_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "with-keyring: $tool not found (install gnome-keyring, dbus, dbus-x11)" >&2; exit 1; }
done
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Go's caches stay where they are, so the suite does not rebuild everything.
if command -v go >/dev/null; then
  export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)"
fi
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run" ZAUTH_IN_KEYRING=1
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# A probe that writes one item tells a usable keyring from one whose unlock
# did not take (seen on a loaded machine): then the daemon is started again.
probe="$scratch/probe"
if command -v go >/dev/null; then
  (cd "$(dirname "$0")/.." && go build -o "$probe" ./internal/bench/floor)
fi
export PROBE="$probe"
# Not exec: the EXIT trap removes the scratch directory afterwards.
dbus-run-session -- bash -c '
  set -e
  replace=
  for attempt in 1 2 3; do
    eval "$(printf "throwaway" | gnome-keyring-daemon $replace --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    [ -x "$PROBE" ] || break
    if err=$(printf ok | "$PROBE" -set zauth-keyring-probe probe 2>&1); then break; fi
    echo "with-keyring: the throwaway keyring is not usable yet ($err); starting it again" >&2
    [ "$attempt" = 3 ] && { echo "with-keyring: giving up" >&2; exit 1; }
    sleep 1
    replace=--replace
  done
  "$@"
' with-keyring "$@"
