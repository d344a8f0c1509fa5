#!/usr/bin/env bash
# The Debian packages the tests use as oracles (real restic, borg, PostgreSQL, MariaDB,
# Prometheus, shellcheck, systemd-analyze, jq; Chromium for the coverage report's browser
# tests). `npm test` runs this first: missing packages are installed when running as root;
# otherwise the exact command is printed and the tests do not start. .ci/run gets them the
# same way, through `npm test`.
#
# Usage: scripts/test-tools.sh [--check]   (--check: report only, install nothing)
set -euo pipefail

# One package per line; add new ones here (and nowhere else).
readonly PACKAGES=(
  shellcheck
  shfmt
  openssl
  restic
  borgbackup
  postgresql-15
  postgresql-client-15
  mariadb-server
  mariadb-client
  mariadb-backup
  prometheus
  prometheus-alertmanager
  prometheus-node-exporter
  systemd
  jq
  libfaketime
  chromium
)

installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "test-tools: not a Debian system (no dpkg-query): install the equivalents of ${PACKAGES[*]} yourself" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
((${#missing[@]} == 0)) && exit 0

readonly command="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ ${1:-} == --check || $(id -u) -ne 0 ]]; then
  echo "test-tools: missing Debian packages the tests need: ${missing[*]}" >&2
  echo "test-tools: install them as root, then run the tests again:" >&2
  echo "  sudo apt-get update && sudo $command" >&2
  exit 1
fi

echo "test-tools: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for p in "${missing[@]}"; do installed "$p" || { echo "test-tools: $p did not install" >&2; exit 1; }; done
