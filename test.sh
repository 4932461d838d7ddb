#!/usr/bin/env bash
# Runs the whole test suite. Works on a fresh Debian machine with the .NET SDK: installs what the
# suites need when it is missing (as root, or through sudo), then runs every test project.
# Pass extra arguments through to 'dotnet test', e.g.  ./test.sh --filter Area=Replay
set -euo pipefail
cd "$(dirname "$0")"

need_packages=()
# redis-server: the Redis suites start a real one on a free loopback port.
command -v redis-server >/dev/null 2>&1 || need_packages+=(redis-server)

if [ ${#need_packages[@]} -gt 0 ]; then
  echo "test.sh: installing ${need_packages[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
fi

# The distribution's redis-server service is not needed (the fixture starts its own); stop it if the
# package just started one, so a fresh machine is left as it was found.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  systemctl stop redis-server 2>/dev/null || true
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet test WebhookSidecar.slnx --configuration Release --logger "console;verbosity=normal" "$@"
