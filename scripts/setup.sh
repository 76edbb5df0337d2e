#!/usr/bin/env bash
# Install Socle and what it needs on a fresh machine (Python 3.11+ and pip are assumed).
#   bash scripts/setup.sh          runtime: virtualenv, Python packages, portal assets
#   bash scripts/setup.sh --test   also test tools and Debian's chromium for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing system packages ($*); install them with: sudo apt-get install $*" >&2
    exit 1
  fi
  echo "setup: apt-get install $*"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
extra=""
[ $with_tests = 1 ] && extra="[test]"
echo "setup: installing Python packages"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}"

command -v npm >/dev/null 2>&1 || apt_install nodejs npm
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing portal assets (npm ci)"
  # --ignore-scripts: DSFR's install script only runs inside its own generator.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

if [ $with_tests = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
fi
echo "setup: done"
