#!/usr/bin/env bash
# Installs the Debian packages the integration tests need, if they are missing:
# PostgreSQL 15 (ticket store tests), Chromium with CJK and emoji fonts (browser
# tests), Node.js and npm (the widget's socket.io client),
# curl (server readiness checks), Redis (several Sanic workers: the scaled
# serving test and benchmark), nginx (the production topology: make prod and
# its fault tests). Idempotent; silent when all is present.
set -euo pipefail

packages=(postgresql-15 chromium fonts-wqy-zenhei fonts-noto-color-emoji curl redis-server nginx)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js may come from elsewhere than Debian; only the commands matter.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "error: these Debian packages are needed and I cannot install them without root:" >&2
  echo "       apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages installed"
