#!/usr/bin/env bash
# `npm run bench`: runs every benchmark entry `bench/*.ts` in turn (files named `*-worker.ts` are
# worker modules, not entries; `bench/lib/` holds shared helpers), then prints a summary: each
# bench's status and duration, and every target line it printed (lines starting "PASS  " or
# "MISS  ", see bench/lib/report.ts). A MISS never fails the run: the exit status is non-zero only
# when a bench itself crashed (or, for the `bench` arguments, names one that does not exist).
#   npm run bench                 all benches
#   npm run bench -- sheets       only bench/sheets.ts (names or paths, several allowed)
# Benches read their own settings from the environment, e.g. BENCH_SECONDS (bench/sheets.ts).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node-env.sh || exit 1
source scripts/lib/deps.sh || exit 1

entries=()
if [ "$#" -gt 0 ]; then
  for arg in "$@"; do
    name="$(basename "$arg" .ts)"
    if [ ! -f "bench/${name}.ts" ]; then
      echo "bench: no bench/${name}.ts" >&2
      exit 2
    fi
    entries+=("bench/${name}.ts")
  done
else
  for file in bench/*.ts; do
    [ -e "$file" ] || continue
    case "$file" in *-worker.ts) continue ;; esac
    entries+=("$file")
  done
fi
if [ "${#entries[@]}" -eq 0 ]; then
  echo "bench: no bench/*.ts entry" >&2
  exit 2
fi

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
statuses=()
crashed=0
for file in "${entries[@]}"; do
  name="$(basename "$file" .ts)"
  echo
  echo "=== bench ${name}: node ${file} ==="
  start=$SECONDS
  node "$file" | tee "$logs/${name}.log"
  rc=${PIPESTATUS[0]}
  took=$((SECONDS - start))
  if [ "$rc" -eq 0 ]; then
    statuses+=("$(printf '%-14s ok       %4d s' "$name" "$took")")
  else
    crashed=$((crashed + 1))
    statuses+=("$(printf '%-14s CRASHED  %4d s  (exit %d)' "$name" "$took" "$rc")")
  fi
done

echo
echo "=== bench summary ==="
printf '%s\n' "${statuses[@]}"
targets=0
for file in "${entries[@]}"; do
  name="$(basename "$file" .ts)"
  while IFS= read -r line; do
    [ "$targets" -eq 0 ] && echo "targets:"
    targets=$((targets + 1))
    printf '  %-14s %s\n' "$name" "$line"
  done < <(grep -E '^(PASS|MISS)  ' "$logs/${name}.log" || true)
done
misses=0
for file in "${entries[@]}"; do
  name="$(basename "$file" .ts)"
  misses=$((misses + $(grep -cE '^MISS  ' "$logs/${name}.log" || true)))
done
echo "${#entries[@]} bench(es), ${crashed} crashed; ${targets} target(s), ${misses} missed (a miss does not fail the run)"
[ "$crashed" -eq 0 ]
