#!/usr/bin/env bash
# Every row of docs/benchmarks.md, from one command: parse + graph at 10k,
# `decom plan --out` at 100/1k/10k (wall, API calls, RSS), the apply
# makespan ratio at 1k and API calls per deleted resource. Prints the
# table with the machine and date; paste it into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
for bench in parse_graph plan_refresh apply_makespan; do
  cargo bench --quiet --bench "$bench" | grep '^|' | grep -v '^|---\|^| resources\|^| what' >> "$rows"
done
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
echo "Machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sm); $(date -u +%Y-%m-%d); release build."
echo
echo "| what | target | measured |"
echo "|---|---|---|"
cat "$rows"
