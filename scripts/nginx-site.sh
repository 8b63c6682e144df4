#!/usr/bin/env bash
# Puts nginx (Debian) in front of the web relay: TLS, timeouts for slow clients, connection limits.
#   sudo bash scripts/nginx-site.sh [server-name] [public-url]
# Defaults: the box's host name, and https://<server-name>. Makes a self-signed certificate in
# /etc/sunbeon/tls when there is none (replace it with the office's certificate: docs/deploy.md).
# Run again at any time: it rewrites the site and reloads nginx.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
here="$(cd "$(dirname "$0")/.." && pwd)"
# The relay's box only: nginx and openssl are not part of every Pi's packages.
for pkg in nginx openssl; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="${missing:-} $pkg"
done
if [ -n "${missing:-}" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
name="${1:-$(hostname -f 2>/dev/null || hostname)}"
public="${2:-https://$name}"
tls=/etc/sunbeon/tls
install -d -m 0750 "$tls"
if [ ! -s "$tls/sunbeon.crt" ] || [ ! -s "$tls/sunbeon.key" ]; then
  # Self-signed, so the hall works at once; browsers warn until the office's own certificate is in place.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
    -subj "/CN=$name" -addext "subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1" \
    -keyout "$tls/sunbeon.key" -out "$tls/sunbeon.crt" 2>/dev/null
  chmod 0600 "$tls/sunbeon.key"
  echo "sunbeon: made a self-signed certificate for $name in $tls"
fi
sed -e "s|@SERVER_NAME@|$name|g" -e "s|@PUBLIC_URL@|$public|g" -e "s|@HTTP_PORT@|80|g" -e "s|@HTTPS_PORT@|443|g" \
    -e "s|@RELAY@|127.0.0.1:8080|g" -e "s|@CERT@|$tls/sunbeon.crt|g" -e "s|@KEY@|$tls/sunbeon.key|g" \
    "$here/systemd/nginx/sunbeon.conf" > /etc/nginx/sites-available/sunbeon
ln -sf /etc/nginx/sites-available/sunbeon /etc/nginx/sites-enabled/sunbeon
rm -f /etc/nginx/sites-enabled/default   # Debian's welcome page would also claim port 80
# Debian's nginx.conf allows 768 connections per worker: raise it, and the descriptors with it.
sed -i -E "s/^(\s*)worker_connections\s+[0-9]+;/\1worker_connections 40000;/" /etc/nginx/nginx.conf
grep -q "^worker_rlimit_nofile" /etc/nginx/nginx.conf || sed -i "1i worker_rlimit_nofile 100000;" /etc/nginx/nginx.conf
install -d /etc/systemd/system/nginx.service.d
install -m 0644 "$here/systemd/nginx/limits.conf" /etc/systemd/system/nginx.service.d/sunbeon.conf
nginx -t
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable nginx >/dev/null 2>&1 || true
  systemctl restart nginx
fi
echo "sunbeon: nginx serves $public in front of the relay (127.0.0.1:8080)"
