#!/usr/bin/env bash
# `npm run demo`: shows each capability on built-in sample data. Every part is a
# script in scripts/demo/, run in name order in one scratch folder, so each
# capability adds its own part without touching the others.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export CCMKIT="$root/bin/ccmkit"
export DEMO_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ccmkit-demo.XXXXXX")"
trap 'rm -rf "$DEMO_DIR"' EXIT
[ -f "$root/dist/cli/main.js" ] || (cd "$root" && npm run -s build)
for part in "$root"/scripts/demo/*.sh; do
  echo
  echo "=================================================================="
  echo "== $(sed -n 's/^# DEMO: //p' "$part" | head -1)"
  echo "=================================================================="
  bash "$part"
done
echo
echo "demo finished: every step above ran on data generated in $DEMO_DIR"
