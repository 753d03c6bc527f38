#!/usr/bin/env bash
# Installs Debian's Chromium, a Chinese font and an emoji font (the greeting
# has one) for the widget browser tests.
# Idempotent: does nothing when all three are already there. Needs root (apt-get).
# Playwright drives this Chromium through executable_path; never run
# `playwright install` (browser downloads do not work on these machines).
set -euo pipefail

chromium=${CHROMIUM:-/usr/bin/chromium}
font=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
emoji=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf

if [ -x "$chromium" ] && [ -f "$font" ] && [ -f "$emoji" ]; then
  echo "chromium and fonts already installed ($("$chromium" --version 2>/dev/null || echo "$chromium"))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi

echo "installing chromium, fonts-wqy-zenhei and fonts-noto-color-emoji with apt-get ..."
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium fonts-wqy-zenhei fonts-noto-color-emoji
"$chromium" --version
