#!/usr/bin/env bash
# Idempotent install of everything Restora needs on a fresh Debian machine with Node 20:
# restic, rclone and fuse3 (rclone mount, for Zerobyte's WebDAV/SFTP volumes) (and Chromium for browser tests)
# from Debian's packages, node-gyp's compiler if missing,
# npm dependencies, a build (with the rest-server's native addon).
# Usage: scripts/setup.sh [--with-browser]
set -euo pipefail
cd "$(dirname "$0")/.."

want=(restic rclone fuse3)
[[ " $* " == *" --with-browser "* ]] && want+=(chromium)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
# node-gyp's toolchain, for better-sqlite3 and the rest-server's addon (checked by command: any install will do).
for tool in g++ make python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]} from Debian's packages"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when package-lock.json changed since the last install (its hash is kept in node_modules).
stamp=node_modules/.restora-lock.sha256
if ! sha256sum --status -c "$stamp" 2>/dev/null; then
  # npm install, not npm ci: the registry here lacks some foreign-platform optional packages (e.g. rollup for
  # android) that npm ci insists on finding in the lock file; npm install skips them and keeps the lock as is.
  npm install --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json >"$stamp"
fi
npm run build --silent
