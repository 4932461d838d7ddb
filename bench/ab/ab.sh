#!/usr/bin/env bash
# Concurrent A/B of two running proxies: both under wrk load at the same time (32 connections each), so
# whatever the machine's speed does during a round it does to both. Prints each one's CPU per request
# (from /proc/<pid>/stat over the round) and B/A per round. Needs wrk (apt-get install wrk).
# A side's PID may be a comma-separated list (e.g. the sidecar and its own redis-server): its CPU is
# then the sum over them.
#
#   bench/ab/ab.sh [-d SECONDS] [-r ROUNDS] A_PORT A_PID[,PID...] B_PORT B_PID[,PID...]
#
# Servers: see docs/performance.md, "A/B of two builds".
set -euo pipefail
secs=15 rounds=6
while getopts d:r: o; do case $o in d) secs=$OPTARG ;; r) rounds=$OPTARG ;; *) exit 2 ;; esac; done
shift $((OPTIND - 1))
[ $# -eq 4 ] || { sed -n 2,9p "$0"; exit 2; }
pa=$1 a=$2 pb=$3 b=$4
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ticks=$(getconf CLK_TCK)
cpu() { local sum=0 pid; for pid in ${1//,/ }; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$sum"; }
for r in $(seq "$rounds"); do
  ca=$(cpu "$a"); cb=$(cpu "$b")
  wrk -t1 -c32 -d"${secs}s" -s "$here/many.lua" "http://127.0.0.1:$pa/webhooks/bench" > "$tmp/a" & w=$!
  wrk -t1 -c32 -d"${secs}s" -s "$here/many.lua" "http://127.0.0.1:$pb/webhooks/bench" > "$tmp/b"; wait $w
  ra=$(awk '/requests in/{print $1}' "$tmp/a"); rb=$(awk '/requests in/{print $1}' "$tmp/b")
  da=$(( $(cpu "$a") - ca )); db=$(( $(cpu "$b") - cb ))
  for side in a b; do
    if grep -q 'Non-2xx' "$tmp/$side"; then echo "round $r: $(tr a-z A-Z <<< "$side") answered $(grep 'Non-2xx' "$tmp/$side") (wrong secret, a full replay table, or a limit): the round does not compare deliveries"; fi
  done
  awk -v r="$r" -v ra="$ra" -v rb="$rb" -v da="$da" -v db="$db" -v t="$ticks" 'BEGIN {
    ua = da * 1e6 / t / ra; ub = db * 1e6 / t / rb
    printf "round %d: A %d requests %.1f us/request, B %d requests %.1f us/request, B/A CPU per request %.3f\n", r, ra, ua, rb, ub, ub / ua }'
done
