#!/usr/bin/env bash
# Installs what the browser tests (tests/browser) need, so that CI never skips them: Debian's
# Chromium, and Java and Node.js where the machine lacks them, then the npm packages pinned in
# package-lock.json (axe-core, the Nu Html Checker). Needs root for apt-get; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v java >/dev/null || packages+=(default-jre-headless)
command -v npm >/dev/null || packages+=(nodejs npm)

if ((${#packages[@]})); then
  echo "Installing ${packages[*]} from Debian's packages for the browser tests."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y "${packages[@]}"
fi

make node-packages
