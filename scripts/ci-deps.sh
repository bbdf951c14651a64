#!/usr/bin/env bash
# What the browser and workerd tests need on a fresh Debian machine, beyond `npm ci`:
# Debian's chromium (driven by playwright-core from package.json; playwright's own browser
# download is never used) and the shared libraries workerd's prebuilt binary links against.
# Idempotent: a machine that has them already skips apt.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core ca-certificates >/dev/null
fi
chromium --version
