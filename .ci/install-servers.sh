#!/usr/bin/env bash
# Installs the real FTP(S) servers the integration tests run against, side by
# side, without installing their (mutually conflicting) Debian packages:
#
#   vsftpd, proftpd-core + proftpd-mod-crypto (mod_tls), pure-ftpd
#       -> apt-get download + dpkg-deb -x into <repo>/.servers/root
#          (+ apt-get install of the shared libraries they need that are missing)
#   python3-pyftpdlib, python3-openssl, python3-aioftp, python3-twisted, openssl
#       -> apt-get install (used with Debian's /usr/bin/python3; the harness runs
#          test/harness/{pyftpd,aioftp,twisted_ftp}_server.py with it)
#
# Idempotent; when everything is already there it only checks and exits.
# Must run as root on Debian 12 (CI runs it in a clean clone).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
SERVERS="$(cd "$HERE/.." && pwd)/.servers"
ROOT="$SERVERS/root"
DEBS="$SERVERS/debs"

# Packages extracted into $ROOT. proftpd-basic is a transitional package in
# Debian 12 (the binary is in proftpd-core); it is downloaded for completeness.
EXTRACT_PKGS=(vsftpd proftpd-basic proftpd-core proftpd-mod-crypto pure-ftpd)
# Files that must exist afterwards (relative to $ROOT).
BINARIES=(usr/sbin/vsftpd usr/sbin/proftpd usr/lib/proftpd/mod_tls.so usr/sbin/pure-ftpd usr/bin/pure-pw)
# Packages installed for real (they conflict with nothing).
APT_PKGS=(python3-pyftpdlib python3-openssl python3-aioftp python3-twisted openssl passwd libpam-modules libpam-runtime)

log() { echo "install-servers: $*"; }

if [ "$(id -u)" != 0 ]; then
  log "must run as root" >&2
  exit 1
fi

apt_updated=0
apt_update() {
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
}

# Names of shared libraries that the extracted binaries cannot resolve.
missing_libs() {
  local f
  for f in "${BINARIES[@]/#/$ROOT/}" "$ROOT"/usr/lib/proftpd/*.so; do
    [ -f "$f" ] || continue
    ldd "$f" 2>/dev/null | awk '/not found/ {print $1}' || true
  done | sort -u
}

extracted_ok() {
  local b
  for b in "${BINARIES[@]}"; do [ -e "$ROOT/$b" ] || return 1; done
  [ -f "$SERVERS/.extracted" ] || return 1
  return 0
}

apt_pkgs_missing() {
  local p out=()
  for p in "${APT_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || out+=("$p")
  done
  echo "${out[@]:-}"
}

did=0

# 1. packages installed for real
need="$(apt_pkgs_missing)"
if [ -n "$need" ]; then
  apt_update
  log "apt-get install $need"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends $need
  did=1
else
  log "already installed: ${APT_PKGS[*]}"
fi

# 2. server packages, extracted side by side
if ! extracted_ok; then
  apt_update
  mkdir -p "$DEBS" "$ROOT"
  chmod 755 "$SERVERS" "$DEBS"   # apt's _apt user must be able to write the downloads
  log "apt-get download ${EXTRACT_PKGS[*]}"
  (cd "$DEBS" && rm -f ./*.deb && apt-get download -q "${EXTRACT_PKGS[@]}" 2>&1 | grep -v 'couldn.t be accessed by user' || true)
  for deb in "$DEBS"/*.deb; do
    log "dpkg-deb -x $(basename "$deb") -> .servers/root"
    dpkg-deb -x "$deb" "$ROOT"
  done
  date -u +%FT%TZ > "$SERVERS/.extracted"
  did=1
else
  log "already extracted into $ROOT: vsftpd proftpd(+mod_tls) pure-ftpd"
fi
for b in "${BINARIES[@]}"; do
  [ -e "$ROOT/$b" ] || { log "missing after extraction: $ROOT/$b" >&2; exit 1; }
done

# 3. shared libraries the extracted binaries need
libs="$(missing_libs)"
if [ -n "$libs" ]; then
  log "unresolved libraries: $(echo $libs)"
  # Install the library dependencies the packages declare (lib*; they do not
  # conflict with anything), then check again.
  apt_update
  deps="$(apt-cache depends --no-recommends --no-suggests "${EXTRACT_PKGS[@]}" 2>/dev/null \
    | awk '/^ *(Pre)?Depends: lib/ {print $2}' | sort -u)"
  need=()
  for p in $deps; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
  done
  if [ "${#need[@]}" -gt 0 ]; then
    log "apt-get install ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${need[@]}"
    did=1
  fi
  libs="$(missing_libs)"
  if [ -n "$libs" ]; then
    log "still unresolved after installing the declared dependencies: $(echo $libs)" >&2
    exit 1
  fi
else
  log "all shared libraries resolve"
fi

# 4. sanity checks
"$ROOT/usr/sbin/proftpd" -v >/dev/null 2>&1 || { log "proftpd does not run" >&2; exit 1; }
"$ROOT/usr/sbin/pure-ftpd" --help >/dev/null 2>&1 || [ $? -le 1 ] || { log "pure-ftpd does not run" >&2; exit 1; }
/usr/bin/python3 -c 'import pyftpdlib, OpenSSL' || { log "pyftpdlib/pyOpenSSL not importable by /usr/bin/python3" >&2; exit 1; }
/usr/bin/python3 -c 'import aioftp, twisted.protocols.ftp' || { log "aioftp/twisted not importable by /usr/bin/python3" >&2; exit 1; }
command -v openssl >/dev/null || { log "openssl CLI missing" >&2; exit 1; }

log "versions: $("$ROOT/usr/sbin/proftpd" -v 2>&1 | head -1); pure-ftpd $(dpkg-deb -f "$DEBS"/pure-ftpd_*.deb Version 2>/dev/null || echo '?'); vsftpd $(dpkg-deb -f "$DEBS"/vsftpd_*.deb Version 2>/dev/null || echo '?'); pyftpdlib $(/usr/bin/python3 -c 'import pyftpdlib; print(pyftpdlib.__ver__)'); aioftp $(/usr/bin/python3 -c 'import aioftp; print(aioftp.__version__)'); twisted $(/usr/bin/python3 -c 'import twisted; print(twisted.__version__)')"
if [ "$did" = 1 ]; then log "done"; else log "nothing to do"; fi
