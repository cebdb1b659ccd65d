#!/usr/bin/env bash
# Runs a command with a private, unlocked Secret Service (gnome-keyring) on a
# private D-Bus session bus, and a throwaway HOME so the user's own keyrings
# are never touched. Used by the test suite and the benchmark.
#
#   scripts/with-keyring.sh go test ./...
#
# The bus starts the keyring daemon on demand (and again, should it stop);
# its messages go to a log that is printed when the command fails or the
# daemon did not last the run.
set -euo pipefail
if [ $# = 0 ]; then echo "usage: scripts/with-keyring.sh COMMAND [ARG...]" >&2; exit 2; fi
if [ "${ZAUTH_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
for tool in go dbus-run-session dbus-daemon gnome-keyring-daemon setsid; do
  command -v "$tool" >/dev/null || { echo "with-keyring: $tool not found (install gnome-keyring, dbus, dbus-x11, util-linux)" >&2; exit 1; }
done
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Its path goes into a D-Bus address, XML and the scripts below as is.
case $scratch in *[!A-Za-z0-9/._-]*)
  echo "with-keyring: the temporary directory $scratch has characters the D-Bus set-up cannot take; set TMPDIR to a plain path" >&2
  exit 1
esac
# Go's caches stay where they are, so the suite does not rebuild everything.
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
export GOCACHE GOMODCACHE GOPATH
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run" ZAUTH_IN_KEYRING=1
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export KEYRING_LOG="$scratch/keyring.log"
: >"$KEYRING_LOG"

# A probe that writes one item tells when the keyring is ready: registered
# on the bus, with its login collection unlocked.
export PROBE="$scratch/probe"
(cd "$(dirname "$0")/.." && go build -o "$PROBE" ./internal/bench/floor)

# The bus starts the keyring daemon on the first call, as a desktop session
# does, but through a launcher that unlocks it with the throwaway password.
# Should the daemon stop mid-run, the next call starts it again on the same
# keyring file, unlocked, instead of failing every later test or waiting on
# an unlock prompt nobody answers. Each start and exit, with its status, is
# in the log.
#  - setsid: the daemon quits on SIGHUP, which a terminal's hangup sends to
#    the whole process group; in a session of its own it is out of reach.
#  - no system bus: the daemon would watch logind and quit when the login
#    session it finds in the environment ends.
#  - output to the log, never to the bus's stdout: a daemon that outlives
#    the run would hold open a pipe the caller waits on.
#  - the launcher never exits 0: the bus would take that for a daemon that
#    handed over, and wait its 25 s activation timeout to say otherwise.
#  - each running launcher has a file named by its pid (the leader of its
#    session), so that any left when the bus is gone can be stopped.
mkdir "$scratch/services" "$scratch/launchers"
cat >"$scratch/keyringd" <<EOF
#!/bin/sh
exec >>$KEYRING_LOG 2>&1
: >$scratch/launchers/\$\$
echo "\$(date +%T.%N) keyring daemon starting"
printf throwaway | env -u XDG_SESSION_ID -u DESKTOP_AUTOSTART_ID DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent \\
  gnome-keyring-daemon --foreground --unlock --components=secrets
st=\$?
echo "\$(date +%T.%N) keyring daemon exited with status \$st"
rm -f $scratch/launchers/\$\$
exit \$((st ? st : 1))
EOF
chmod 755 "$scratch/keyringd"
cat >"$scratch/services/org.freedesktop.secrets.service" <<EOF
[D-BUS Service]
Name=org.freedesktop.secrets
Exec=$(command -v setsid) -w $scratch/keyringd
EOF

# Only that service directory: the system's service files would start a
# keyring daemon that cannot unlock. Otherwise it is the standard session
# bus, with its generous limits (the built-in ones allow 64 connections in
# authentication, for 5 s each).
cat >"$scratch/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$XDG_RUNTIME_DIR</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$scratch/services</servicedir>
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

# The bus's own messages (each activation, say) go to the log as well.
cat >"$scratch/bus" <<EOF
#!/bin/sh
exec $(command -v dbus-daemon) "\$@" 2>>$KEYRING_LOG
EOF
chmod 755 "$scratch/bus"

say() { printf "with-keyring: %s\n" "$*" >&2; }
status=0
# The probe starts the daemon. It is given 30 s, and 3 starts: a daemon
# that cannot start at all says so in the log in well under a second.
# Not exec: the keyring log is read, and the scratch directory removed,
# afterwards.
export KEYRING_RAN="$scratch/ran"
# shellcheck disable=SC2016 # the script is expanded by the inner bash
dbus-run-session --config-file="$scratch/bus.conf" --dbus-daemon="$scratch/bus" -- bash -c '
  export GNOME_KEYRING_CONTROL=$XDG_RUNTIME_DIR/keyring
  while [ "$SECONDS" -lt 30 ] && [ "$(grep -c "keyring daemon exited" "$KEYRING_LOG")" -lt 3 ]; do
    if printf ok | timeout 10 "$PROBE" -set zauth-keyring-probe probe >/dev/null 2>&1; then
      : >"$KEYRING_RAN"
      exec "$@"
    fi
    sleep 0.2
  done
  exit 1
' with-keyring "$@" || status=$?

# The bus is gone, and with it every daemon's connection: they quit. Any
# that did not is stopped with its session.
sleep 0.2
for f in "$scratch"/launchers/*; do
  pid=${f##*/}
  if grep -qF "$scratch/keyringd" "/proc/$pid/cmdline" 2>/dev/null; then kill -- "-$pid" 2>/dev/null || true; fi
done
starts=$(grep -c "keyring daemon starting" "$KEYRING_LOG" || true)
if [ ! -e "$KEYRING_RAN" ]; then
  say "the throwaway keyring did not become usable ($starts starts)"
  [ "$status" = 0 ] && status=1
elif [ "$starts" -gt 1 ]; then
  say "the keyring daemon stopped during the run and was started again ($starts starts)"
fi
if [ "$starts" -gt 1 ] || { [ "$status" != 0 ] && [ -s "$KEYRING_LOG" ]; }; then
  say "the last messages of the bus and the keyring daemon:"; tail -n 40 "$KEYRING_LOG" >&2
fi
exit "$status"
