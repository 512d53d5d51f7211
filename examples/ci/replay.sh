#!/usr/bin/env bash
# Replays the steps of examples/ci/github-actions.yml locally, against the
# decom simulator instead of AWS, on a temporary copy of examples/quickstart:
#
#   pull request:  decom validate; decom plan --out plan.bin --detailed-exitcode
#                  (exit 2 = changes = success); decom show --markdown plan.bin
#   after merge:   decom apply plan.bin (the saved, reviewed plan)
#   safety:        re-plan, change the manifest, apply -> refused as stale
#
# Usage: examples/ci/replay.sh            (DECOM=path/to/decom to choose the
#        binary; default target/debug/decom). Exits 0 only if every step
#        behaved as the workflow expects. Talks to nothing but loopback.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
DECOM=${DECOM:-$root/target/debug/decom}
[ -x "$DECOM" ] || { echo "replay: no decom binary at $DECOM (cargo build, or set DECOM)" >&2; exit 1; }

work=$(mktemp -d)
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nreplay: FAILED: %s\n' "$*" >&2; exit 1; }
deletes() { grep -c '"operation":"Delete' "$work/audit.jsonl" || true; }

# The checked-in manifest, as the workflow's checkout would have it (its
# files only: not the .decom/ state a local run may have left beside them).
MANIFEST=teardown
mkdir "$work/$MANIFEST"
cp "$root"/examples/quickstart/*.hcl "$work/$MANIFEST/"
cd "$work"

step "start the simulator, seeded with the quickstart's live resources"
# Deleted resources stay listed (as AWS does for a while) long enough for
# the re-plan below to see them as gone.
"$DECOM" sim --listen 127.0.0.1:0 --time-scale 0.001 --tombstone-ttl 3600000 \
  --state "$here/quickstart-state.json" --audit-log "$work/audit.jsonl" \
  >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^decom sim listening on //p' "$work/sim.out" 2>/dev/null | head -n 1)
  [ -n "$url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || fail "the simulator exited: $(cat "$work/sim.err")"
  sleep 0.1
done
[ -n "$url" ] || fail "the simulator did not start"
echo "simulator at $url"

# What aws-actions/configure-aws-credentials provides in CI, pointed at the
# simulator (which accepts any credentials) and isolated from ~/.aws.
export AWS_ENDPOINT_URL="$url" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIDREPLAY000000000 AWS_SECRET_ACCESS_KEY=replaySecretNotReal
export AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
export AWS_EC2_METADATA_DISABLED=true NO_COLOR=1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
# The simulator runs 1000x faster than AWS: poll it accordingly.
FAST=--poll-interval-ms=20

step "decom validate"
"$DECOM" validate "$MANIFEST" || fail "validate"

step "decom plan --out plan.bin --detailed-exitcode"
code=0
"$DECOM" plan "$MANIFEST" --out plan.bin --detailed-exitcode || code=$?
[ "$code" -eq 2 ] || fail "plan exited $code; expected 2 (changes)"
[ "$(deletes)" -eq 0 ] || fail "plan sent a delete"

step "decom show --markdown plan.bin (the PR comment)"
"$DECOM" show --markdown plan.bin >plan.md || fail "show --markdown"
cat plan.md
grep -q '\*\*6\*\* to delete' plan.md || fail "the comment does not count 6 deletions"
grep -q '<details><summary>Full plan</summary>' plan.md || fail "the comment has no collapsed plan"

step "decom apply plan.bin (after merge and approval)"
"$DECOM" apply plan.bin --journal journal.jsonl "$FAST" || fail "apply"
[ "$(deletes)" -eq 6 ] || fail "expected 6 deletes, the simulator saw $(deletes)"
[ -s journal.jsonl ] || fail "no journal"

step "a saved plan is refused once the manifest changed (stale plan)"
code=0
"$DECOM" plan "$MANIFEST" --out plan.bin --detailed-exitcode || code=$?
[ "$code" -eq 0 ] || fail "re-plan exited $code; expected 0 (nothing left to delete)"
printf '\n# edited after the plan was reviewed\n' >>"$MANIFEST/main.hcl"
code=0
"$DECOM" apply plan.bin --journal journal.jsonl "$FAST" 2>stale.err || code=$?
cat stale.err
[ "$code" -eq 1 ] || fail "apply of a stale plan exited $code; expected 1"
grep -q 'saved plan is stale' stale.err || fail "no stale-plan message"
[ "$(deletes)" -eq 6 ] || fail "the stale apply sent a delete"

step "stop the simulator"
kill "$sim_pid"
wait "$sim_pid" 2>/dev/null || true
sim_pid=""

printf '\nreplay: every step behaved as the workflow expects.\n'
