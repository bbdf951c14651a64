#!/usr/bin/env bash
# What the tests need on a fresh Debian machine, beyond `npm ci`: Debian's chromium for the
# browser tests (driven by playwright-core from package.json; playwright's own browser download is
# never used) and dataset-fashion-mnist for the Fashion-MNIST example and bench.
# Idempotent: a machine that has them already skips apt.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-dejavu-core ca-certificates)
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || need+=(dataset-fashion-mnist)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
chromium --version
