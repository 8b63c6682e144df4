#!/usr/bin/env bash
# Installs Sunbeon on this Pi (or box) as the system expects it: `sudo make install ROLES="hub web"`.
#   ROLES (or the arguments): the roles this box runs, each an extra of pyproject.toml: hub, kiosk,
#   display, web, report, demo, all. A kiosk Pi installs only the kiosk's packages (no FastAPI,
#   matplotlib …). Without ROLES an upgrade keeps the roles of the last install (/opt/sunbeon/roles).
#   /opt/sunbeon            the program (a virtual environment)
#   /etc/sunbeon            the hall's config (the example, the first time)
#   /var/lib/sunbeon        data (the hub's database, the web relay's key)
#   /etc/systemd/system     sunbeon-hub, sunbeon-web, sunbeon-kiosk, sunbeon-display@
#   /etc/mosquitto/conf.d   the broker's settings (logins and ACL from `sunbeon device add`)
# Nothing is enabled: enable the one unit this box runs (docs/deploy.md).
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root: sudo make install" >&2; exit 1; }
here="$(cd "$(dirname "$0")/.." && pwd)"
roles="${*:-${ROLES:-}}"
[ -n "$roles" ] || roles="$(cat /opt/sunbeon/roles 2>/dev/null || true)"
roles="$(echo "$roles" | tr ', ' '\n\n' | grep -v '^$' | sort -u | paste -sd, -)"
if [ -z "$roles" ]; then
  echo "which roles does this box run? e.g. sudo make install ROLES=\"hub web\" (hub kiosk display web report demo all)" >&2
  exit 2
fi
for role in ${roles//,/ }; do
  case "$role" in
    hub|kiosk|display|web|report|demo|all) ;;
    *) echo "unknown role '$role': one of hub kiosk display web report demo all" >&2; exit 2 ;;
  esac
done
bash "$here/scripts/setup-system.sh"
id sunbeon >/dev/null 2>&1 || useradd --system --home-dir /var/lib/sunbeon --shell /usr/sbin/nologin sunbeon
for group in video render input gpio audio lp dialout plugdev; do
  getent group "$group" >/dev/null && usermod -aG "$group" sunbeon
done
# The system's Python (not a user's pyenv or conda one): the sunbeon user must be able to run it.
python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3)"
rm -rf /opt/sunbeon/bin /opt/sunbeon/lib /opt/sunbeon/include /opt/sunbeon/pyvenv.cfg
"$python" -m venv /opt/sunbeon
/opt/sunbeon/bin/pip install -q --upgrade pip
/opt/sunbeon/bin/pip install -q "$here[$roles]"
echo "$roles" > /opt/sunbeon/roles
ln -sf /opt/sunbeon/bin/sunbeon /usr/local/bin/sunbeon
install -d -m 0755 /etc/sunbeon /opt/sunbeon/share/docs
install -d -m 0750 -o sunbeon -g sunbeon /var/lib/sunbeon
[ -e /etc/sunbeon/sunbeon.toml ] || install -m 0644 "$here/examples/hall.toml" /etc/sunbeon/sunbeon.toml
install -m 0644 "$here"/docs/*.md /opt/sunbeon/share/docs/
install -m 0644 "$here"/systemd/*.service /etc/systemd/system/
if [ -d /etc/mosquitto/conf.d ]; then
  install -m 0644 "$here/systemd/mosquitto/sunbeon.conf" /etc/mosquitto/conf.d/sunbeon.conf
  touch /etc/mosquitto/sunbeon.passwd /etc/mosquitto/sunbeon.acl
  chown mosquitto: /etc/mosquitto/sunbeon.passwd /etc/mosquitto/sunbeon.acl 2>/dev/null || true
  chmod 0640 /etc/mosquitto/sunbeon.passwd
fi
systemctl daemon-reload 2>/dev/null || true
echo "Installed. Next: edit /etc/sunbeon/sunbeon.toml, then follow docs/deploy.md (sunbeon device add …)."
