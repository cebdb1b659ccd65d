#!/usr/bin/env bash
# Checks the release configuration and what it builds: installs goreleaser
# if needed, validates .goreleaser.yaml (no deprecated settings), builds a
# snapshot of every target as a release would (without signing, SBOMs or
# publishing: cosign and syft run only in the release workflow), then opens
# the packages and archives and checks that the binaries run and that man
# pages, completions, README and license are where the OS and shells look.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v2.15.0 # newer releases need a newer Go than we build with
gr=$(go env GOPATH)/bin/goreleaser
if ! "$gr" --version 2>/dev/null | grep -q "${version#v}"; then
  echo "installing goreleaser $version"
  GOFLAGS='' go install "github.com/goreleaser/goreleaser/v2@$version"
fi

fail() { echo "release-check: $*" >&2; exit 1; }
log=$(mktemp)
scratch=$(mktemp -d)
trap 'rm -rf "$log" "$scratch"' EXIT

"$gr" check >"$log" 2>&1 || { cat "$log"; fail "goreleaser check failed"; }
! grep -qi deprecat "$log" || { cat "$log"; fail "goreleaser check reports deprecated settings"; }

# The release notes of the newest version in CHANGELOG.md must extract.
newest=$(grep -m1 -o '^## \[[0-9][^]]*\]' CHANGELOG.md | tr -d '#[] ')
[ -n "$newest" ] || fail "CHANGELOG.md has no version section"
scripts/release-notes.sh "$newest" >/dev/null

start=$SECONDS
"$gr" release --snapshot --clean --skip=publish,sign,sbom,validate >"$log" 2>&1 ||
  { cat "$log"; fail "snapshot release failed"; }
! grep -qi deprecat "$log" || { cat "$log"; fail "goreleaser reports deprecated settings"; }
echo "release-check: snapshot of every target built in $((SECONDS - start))s"

# Every target: the binary is built for its OS and architecture.
for target in linux_amd64_v1 linux_arm64_v8.0 darwin_amd64_v1 darwin_arm64_v8.0 windows_amd64_v1 windows_arm64_v8.0; do
  goos=${target%%_*} rest=${target#*_} goarch=${rest%%_*}
  exe=zauth
  [ "$goos" = windows ] && exe=zauth.exe
  bin=dist/zauth_$target/$exe
  info=$(go version -m "$bin") || fail "$bin is missing or not a Go binary"
  if ! grep -q "GOOS=$goos\$" <<<"$info" || ! grep -q "GOARCH=$goarch\$" <<<"$info"; then
    fail "$bin is not a $goos/$goarch binary"
  fi
done

# The size budget, on the release build itself (stripped, trimmed paths):
# a change that grows it past the budget fails here, not in a release.
size=$(stat -c %s dist/zauth_linux_amd64_v1/zauth)
[ "$size" -le 12000000 ] || fail "the linux/amd64 binary is $size bytes, over the 12,000,000-byte budget (see the README's Performance section)"
echo "release-check: linux/amd64 binary $size bytes (budget 12,000,000)"

snap=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' dist/metadata.json)
[ -n "$snap" ] || fail "no version in dist/metadata.json"
arch=$(go env GOARCH)

# Runs an extracted zauth; the version comes from the ldflags ("dev" would
# mean they were not applied).
runs() {
  local out
  out=$("$1" version) || fail "$1 does not run"
  [[ $out == "zauth $snap"* ]] || fail "$1 version printed \"$out\", want zauth $snap"
}
mans=()
for m in docs/man/*.1; do mans+=("${m#docs/man/}"); done

# The .deb: Debian's locations.
deb=dist/zauth_${snap}_linux_$arch.deb
[ -f "$deb" ] || fail "$deb is missing"
[ "$(dpkg-deb -f "$deb" Package)" = zauth ] || fail "$deb: wrong package name"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$arch" ] || fail "$deb: wrong architecture"
dpkg-deb -x "$deb" "$scratch/deb"
runs "$scratch/deb/usr/bin/zauth"
for m in "${mans[@]}"; do
  [ -f "$scratch/deb/usr/share/man/man1/$m" ] || [ -f "$scratch/deb/usr/share/man/man1/$m.gz" ] ||
    fail "$deb: no man page $m in /usr/share/man/man1"
done
while read -r src dst; do
  cmp -s "$src" "$scratch/deb$dst" || fail "$deb: $dst is missing or differs from $src"
done <<'EOF'
completions/zauth.bash /usr/share/bash-completion/completions/zauth
completions/_zauth /usr/share/zsh/vendor-completions/_zauth
completions/zauth.fish /usr/share/fish/vendor_completions.d/zauth.fish
LICENSE /usr/share/doc/zauth/copyright
README.md /usr/share/doc/zauth/README.md
EOF
[ -f "dist/zauth_${snap}_linux_$arch.rpm" ] || fail "the .rpm is missing"

# The archives: binary, README, LICENSE, completions and man pages at the
# top, as the Homebrew cask and the README's install notes expect.
want=(LICENSE README.md completions/_zauth completions/zauth.bash completions/zauth.fish completions/zauth.ps1 "${mans[@]/#/docs/man/}")
for goos in linux darwin windows; do
  for goarch in amd64 arm64; do
    if [ "$goos" = windows ]; then
      a=dist/zauth_${snap}_${goos}_$goarch.zip
      files=$(unzip -Z1 "$a") || fail "$a is missing or not a zip"
      exe=zauth.exe
    else
      a=dist/zauth_${snap}_${goos}_$goarch.tar.gz
      files=$(tar tzf "$a") || fail "$a is missing or not a tar.gz"
      exe=zauth
    fi
    for f in "$exe" "${want[@]}"; do
      grep -qx "$f" <<<"$files" || fail "$a has no $f"
    done
  done
done
mkdir "$scratch/tar"
tar xzf "dist/zauth_${snap}_linux_$arch.tar.gz" -C "$scratch/tar"
runs "$scratch/tar/zauth"

# The checksums cover every archive and package; the cask names them.
(cd dist && sha256sum --quiet -c checksums.txt) || fail "dist/checksums.txt does not match"
[ "$(grep -cE '\.(tar\.gz|zip|deb|rpm)$' dist/checksums.txt)" -eq 10 ] || fail "checksums.txt does not list 6 archives and 4 packages"
cask=dist/homebrew/Casks/zauth.rb
for line in 'binary "zauth"' 'manpage "docs/man/zauth.1"' 'bash_completion "completions/zauth.bash"' \
  'zsh_completion "completions/_zauth"' 'fish_completion "completions/zauth.fish"'; do
  grep -qF "$line" "$cask" || fail "$cask has no $line"
done
echo "release-check: $snap: 6 binaries, 6 archives, .deb and .rpm, checksums and cask checked"
