#!/usr/bin/env bash
# Prints the CHANGELOG.md section of one version (a tag such as v1.2.3, or
# 1.2.3, or Unreleased), without its heading: the release notes goreleaser
# publishes. Fails when the section is missing or empty, so that a tag
# without notes is not released.
#
#   scripts/release-notes.sh v0.1.0 > notes.md
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 <version>" >&2; exit 2; }
version=${1#v}
notes=$(awk -v v="$version" '
  /^## \[/ { if (found) exit; found = index($0, "## [" v "]") == 1; next }
  /^\[[^]]*\]: / { if (found) exit }
  found { print }
' "$(dirname "$0")/../CHANGELOG.md")
# Drop blank lines at either end.
notes=$(printf '%s\n' "$notes" | sed -e '/./,$!d' | tac | sed -e '/./,$!d' | tac)
if [ -z "$notes" ]; then
  echo "release-notes: CHANGELOG.md has no section \"## [$version]\" with content" >&2
  exit 1
fi
printf '%s\n' "$notes"
