#!/usr/bin/env bash
# The peers run from their own virtualenv so that their pins never touch Socle's.
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv-peers/bin/python ] || python3 -m venv .venv-peers
.venv-peers/bin/python -m pip install -q --disable-pip-version-check "datasette>=0.64" "sqlite-utils>=3.36" "frictionless>=5.18"
