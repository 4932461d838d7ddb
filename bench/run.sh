#!/usr/bin/env bash
# The load benchmark, in one command: builds in Release, then on this machine and in one run starts a
# backend, plain YARP and the sidecar in each mode, drives them with the same load and prints a table
# and, last, one "ratio <mode>/plain-yarp: ..." line per mode. Results: bench/results/latest.{md,csv}
# and the chart docs/performance.png. Extra arguments go to the runner (e.g. --quick, --duration 20).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v gnuplot >/dev/null 2>&1 || need+=(gnuplot-nox)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for project in src/WebhookSidecar bench/Bench.Backend bench/Bench.PlainYarp bench/Bench.Reference bench/Bench.Runner; do
  dotnet build -c Release --nologo -v quiet "$project" >/dev/null
done

dotnet bench/Bench.Runner/bin/Release/net10.0/Bench.Runner.dll --out bench/results "$@"

# Chart: requests/s (bars, left axis) and p99 at the common half load (points, right axis) by mode.
gnuplot <<'PLOT'
set terminal pngcairo size 900,480 font "sans,11"
set output "docs/performance.png"
set datafile separator ","
set title "WebhookSidecar vs plain YARP (same run, same machine)"
set style data histograms
set style fill solid 0.6 border -1
set boxwidth 0.6
set ylabel "max requests/s (bars)"
set y2label "p99 ms at half load (points, log scale)"
set ytics nomirror
set y2tics
set yrange [0:*]
set logscale y2
set y2range [1:*]
set key top right
set xtics rotate by -15
plot "bench/results/latest.csv" using 2:xtic(1) title "max req/s" lc rgb "#4477aa", \
     "" using 0:3 axes x1y2 with linespoints pt 7 ps 1.5 lw 2 lc rgb "#cc3311" title "p99 ms @ half load"
PLOT
echo "chart: docs/performance.png"
