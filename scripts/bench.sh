#!/usr/bin/env bash
# Measures zauth's hot paths against their floor, side by side, on a
# throwaway keychain (gnome-keyring under a private D-Bus session):
#   - `zauth token` with a valid token vs. a minimal Go program that reads the
#     same keychain item with go-keyring (target: median <= 1.3x);
#   - `zauth --version`, `zauth scopes`, `zauth status` (no keychain work);
#   - peak memory of `zauth token` (target < 20 MB), stripped binary size
#     (target <= 12 MB, decimal: 12,000,000 bytes);
#   - 50 parallel `zauth token` on an expired token against the Ziina
#     emulator on loopback: one refresh, all done (target < 2 s).
# Needs hyperfine, gnome-keyring, dbus. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${ZAUTH_IN_KEYRING:-}" != 1 ]; then exec scripts/with-keyring.sh "$0" "$@"; fi

runs=${RUNS:-200}
work=$(mktemp -d)
trap 'kill "${emu_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export CGO_ENABLED=0
go build -trimpath -ldflags "-s -w" -o "$work/zauth" .
go build -trimpath -ldflags "-s -w" -o "$work/floor" ./internal/bench/floor
go build -o "$work/emulatord" ./internal/bench/emulatord
export XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state" ZAUTH_KEYRING_SERVICE=zauth-bench
item=token:ziina:default

record() { # access_token refresh_token expires_at (a record in the current format, 2)
  printf '{"v":2,"provider":"ziina","profile":"default","client_id":"bench-client","access_token":"%s","refresh_token":"%s","token_type":"Bearer","scopes":["read_account","offline_access"],"expires_at":"%s","obtained_at":"%s","redirect_uri":"http://127.0.0.1:8765/callback","requested_scopes":["read_account","offline_access"]}' \
    "$1" "$2" "$3" "$(date -u +%FT%TZ)"
}
record "bench-access-token" "bench-refresh" "$(date -u -d '+1 hour' +%FT%TZ)" | "$work/floor" -set "$ZAUTH_KEYRING_SERVICE" "$item"
[ "$("$work/zauth" token ziina)" = bench-access-token ] || { echo "bench: zauth token does not read the seeded item" >&2; exit 1; }

echo "== whole-process wall time ($runs runs each, interleaved warm-up) =="
hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/h.json" \
  "$work/floor $ZAUTH_KEYRING_SERVICE $item" \
  "$work/zauth token ziina" \
  "$work/zauth --version" \
  "$work/zauth scopes" \
  "$work/zauth status" >/dev/null
python3 - "$work/h.json" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
floor = res[0]["median"]
for r in res:
    name = r["command"].split("/")[-1]
    print(f"  {name:<40} median {r['median']*1000:6.2f} ms  mean {r['mean']*1000:6.2f} ms  ({r['median']/floor:.2f}x floor)")
PY

echo "== memory and size =="
peak=0
for _ in $(seq 20); do
  kb=$( { /usr/bin/time -f %M "$work/zauth" token ziina >/dev/null; } 2>&1 )
  [ "$kb" -gt "$peak" ] && peak=$kb
done
echo "  zauth token peak RSS: $((peak / 1024)) MB ($peak KB, max of 20 runs)"
size=$(stat -c %s "$work/zauth")
echo "  stripped binary ($(go env GOOS)/$(go env GOARCH)): $(awk -v b="$size" 'BEGIN { printf "%.2f", b / 1e6 }') MB ($size bytes; target <= 12,000,000)"

echo "== 50 parallel zauth token on an expired token =="
"$work/emulatord" >"$work/emu.env" 2>"$work/emu.err" &
emu_pid=$!
for _ in $(seq 100); do grep -q BENCH_REFRESH_TOKEN "$work/emu.env" 2>/dev/null && break; sleep 0.05; done
set -a
# The emulator wrote it above.
# shellcheck source=/dev/null
. "$work/emu.env"
set +a
export ZAUTH_ZIINA_CLIENT_ID=bench-client ZAUTH_ZIINA_CLIENT_SECRET=bench-password
record "expired-access-token" "$BENCH_REFRESH_TOKEN" "$(date -u -d '-1 minute' +%FT%TZ)" | "$work/floor" -set "$ZAUTH_KEYRING_SERVICE" "$item"
start=$(date +%s%N)
for i in $(seq 50); do "$work/zauth" token ziina >"$work/out.$i" 2>&1 & done
fail=0
for job in $(jobs -p); do [ "$job" = "$emu_pid" ] && continue; wait "$job" || fail=$((fail + 1)); done
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
kill "$emu_pid"; wait "$emu_pid" 2>/dev/null || true
distinct=$(cat "$work"/out.* | sort -u | wc -l)
echo "  wall time: ${elapsed} ms; failures: $fail; distinct tokens printed: $distinct; $(cat "$work/emu.err")"
