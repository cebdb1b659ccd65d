#!/usr/bin/env bash
# Runs a command with a private, unlocked Secret Service (gnome-keyring) on a
# private D-Bus session bus, and a throwaway HOME so the user's own keyrings
# are never touched. Used by the test suite and the benchmark.
#
#   scripts/with-keyring.sh go test ./...
#
# The keyring daemon runs in the foreground as this script's child, with its
# messages in a log that is printed when the command fails or the daemon
# does not last the run.
set -euo pipefail
if [ "${ZAUTH_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
for tool in go dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "with-keyring: $tool not found (install gnome-keyring, dbus, dbus-x11)" >&2; exit 1; }
done
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Go's caches stay where they are, so the suite does not rebuild everything.
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
export GOCACHE GOMODCACHE GOPATH
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run" ZAUTH_IN_KEYRING=1
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export KEYRING_LOG="$scratch/keyring.log"

# A probe that writes one item tells when the keyring is ready: registered
# on the bus, with its login collection unlocked.
export PROBE="$scratch/probe"
(cd "$(dirname "$0")/.." && go build -o "$PROBE" ./internal/bench/floor)

# The bus starts nothing on demand. With the system's service files, a call
# that finds no keyring daemon would start a second one: it cannot unlock
# the keyring, and the call then waits on an unlock prompt nobody answers.
# Otherwise it is the standard session bus, with its generous limits (the
# built-in ones allow 64 connections in authentication, for 5 s each).
cat >"$scratch/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$XDG_RUNTIME_DIR</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <limit name="auth_timeout">240000</limit>
  <limit name="max_incomplete_connections">10000</limit>
  <limit name="max_completed_connections">100000</limit>
  <limit name="max_connections_per_user">100000</limit>
  <limit name="max_match_rules_per_connection">50000</limit>
  <limit name="max_replies_per_connection">50000</limit>
  <limit name="max_incoming_bytes">1000000000</limit>
  <limit name="max_outgoing_bytes">1000000000</limit>
  <limit name="max_message_size">1000000000</limit>
</busconfig>
EOF

# Not exec: the EXIT trap removes the scratch directory afterwards.
# shellcheck disable=SC2016 # the script is expanded by the inner bash
dbus-run-session --config-file="$scratch/bus.conf" -- bash -c '
  set -u
  say() { printf "with-keyring: %s\n" "$*" >&2; }
  printf throwaway | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>"$KEYRING_LOG" &
  daemon=$!
  export GNOME_KEYRING_CONTROL=$XDG_RUNTIME_DIR/keyring
  ready=
  for _ in $(seq 300); do
    if printf ok | timeout 10 "$PROBE" -set zauth-keyring-probe probe >/dev/null 2>&1; then ready=1; break; fi
    kill -0 "$daemon" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    say "the throwaway keyring did not become usable; its log:"; cat "$KEYRING_LOG" >&2
    exit 1
  fi
  status=0
  "$@" || status=$?
  if ! kill -0 "$daemon" 2>/dev/null; then
    wait "$daemon"; say "the keyring daemon exited during the run (status $?)"
    [ "$status" = 0 ] && status=1
  fi
  if [ "$status" != 0 ] && [ -s "$KEYRING_LOG" ]; then
    say "the last messages of the keyring daemon:"; tail -n 40 "$KEYRING_LOG" >&2
  fi
  kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
  exit "$status"
' with-keyring "$@"
