#!/usr/bin/env bash
# Installs the Debian packages shian's tests and documents need, only those missing:
# chromium (browser tests), fonts-noto-cjk (Chinese in screenshots and PDFs),
# gettext (makemessages for translators), postgresql (the second test run),
# libpango (WeasyPrint renders PDFs with it).
set -euo pipefail
want=(chromium fonts-noto-cjk gettext postgresql libpango-1.0-0 libpangoft2-1.0-0)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "安装系统软件包 / installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
