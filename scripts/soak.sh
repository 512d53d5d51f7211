#!/usr/bin/env bash
# The soak run (not part of the default tests): 10,000 planned resources of
# all six types in two regions plus 2,000 bystanders, in the simulator with
# 5% faults and a throttle; real `decom plan --out` then `decom apply`;
# checked from the audit log and final state. Results: docs/reliability.md.
#
# Usage: scripts/soak.sh [RESOURCES] [FAULT_RATE] [THROTTLE_RPS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin decom && cargo build --release --quiet -p decom-workload --bin decom-soak
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(date -u +%Y-%m-%d)"
exec target/release/decom-soak target/release/decom "${1:-10000}" "${2:-0.05}" "${3:-200}"
