#!/usr/bin/env bash
# Installs the real proxies the proxy tests start on 127.0.0.1
# (test/harness/proxies.js): tinyproxy (HTTP CONNECT) and dante-server
# (danted, SOCKS5). Only the binaries are used: the tests run them in the
# foreground with their own configs; the packages' services are not needed.
# Idempotent; must run as root on Debian 12.
set -euo pipefail
log() { echo "install-proxies: $*"; }
if [ "$(id -u)" != 0 ]; then
  log "must run as root" >&2
  exit 1
fi
if [ -x /usr/bin/tinyproxy ] && [ -x /usr/sbin/danted ]; then
  log "tinyproxy and danted already installed"
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tinyproxy dante-server
# the packages start their services where an init system runs: the tests need their ports free of nothing, but stop them anyway
for svc in tinyproxy danted; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
done
/usr/bin/tinyproxy -v
/usr/sbin/danted -v | head -1
