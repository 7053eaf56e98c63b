#!/usr/bin/env bash
# Debian/Ubuntu libraries Qt 6 needs, plus a Chinese font. Installs them when run as root (or with sudo);
# otherwise prints the apt-get command to run. Usage: scripts/system-deps.sh [gui|test]
set -u
mode=${1:-gui}
pkgs="libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3 fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai"
if [ "$mode" = gui ]; then
  pkgs="$pkgs libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xfixes0 libx11-xcb1"
fi
command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian: nothing to do here
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "安装 Qt 所需的系统库：$missing"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing) >/dev/null || {
    echo "无法安装系统库，请手动执行：apt-get install -y$missing" >&2; exit 1; }
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
else
  echo "请先安装系统库：sudo apt-get install -y$missing" >&2
  exit 1
fi
