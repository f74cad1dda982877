#!/usr/bin/env bash
# npm run bench: every benchmark script, one after another, then one summary
# table of their RESULT lines (figure, ccmkit, comparator, ratio, goal met or
# not). Each script's full output is kept in benchmarks/.data/results/.
#
#   npm run bench                          # all scripts
#   BENCH_ONLY="startup csr-parse-cli" npm run bench   # a subset, by name
#
# Exit status: 1 when a script failed, else 0 (an unmet goal is reported in the
# table, not as a failure: figures taken on a loaded machine are not verdicts).
set -u
cd "$(dirname "$0")/.."
OUT=benchmarks/.data/results
mkdir -p "$OUT"
rm -f "$OUT"/*.log
SCRIPTS="startup csr-parse-cli csr-create csr-verify preflight export chain-build crl ca-issue emulator sync"
[ -n "${BENCH_ONLY:-}" ] && SCRIPTS="$BENCH_ONLY"

# The CLI benchmarks run ./bin/ccmkit: measure the current sources.
npm run --silent build || exit 1

failed=""
echo "benchmarks: $SCRIPTS"
echo "start: $(uptime)"
for s in $SCRIPTS; do
  echo "== $s ($(date +%T), load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?))"
  if npx tsx "benchmarks/$s.ts" 2>&1 | tee "$OUT/$s.log" | grep -v '^RESULT '; [ "${PIPESTATUS[0]}" -ne 0 ]; then
    failed="$failed $s"
  fi
done
echo "end: $(uptime)"
echo
npx tsx benchmarks/summary.ts "$OUT"/*.log
if [ -n "$failed" ]; then
  echo "FAILED:$failed" >&2
  exit 1
fi
