#!/usr/bin/env bash
# Installs the Debian packages Sunbeon needs, only those missing, with sudo when not root.
# Called by `make test` and `make demo`, so a fresh Debian / Raspberry Pi OS machine needs nothing else.
# `setup-system.sh test` adds what only the tests need (Chromium for the browser tests).
set -euo pipefail
packages=(python3-venv mosquitto mosquitto-clients stunnel4 fonts-nanum fonts-noto-cjk espeak-ng)
# faketime: the tests move a real hub's clock (a Pi without RTC that NTP corrects).
# nginx: the TLS front of the public web relay (systemd/nginx/), tested for real; openssl makes its
# first certificate. Only the tests need them here: the hub box gets them from scripts/nginx-site.sh.
[ "${1:-}" = "test" ] && packages+=(chromium faketime nginx openssl)
# axe-core for the accessibility checks of the web pages (pinned, checked, cached; not a Debian package).
[ "${1:-}" = "test" ] && bash "$(dirname "$0")/axe-core.sh"
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "sunbeon: missing system packages (${missing[*]}) and no apt-get to install them" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "sunbeon: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a system broker on 1883; tests and the demo start their own.
