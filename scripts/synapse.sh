#!/usr/bin/env bash
# Installs Synapse (the Matrix reference homeserver) from PyPI into a project-local virtualenv,
# .venv/synapse (git-ignored), for the integration tests and the local demo homeserver.
# Idempotent and cached: does nothing when the pinned version is already installed.
# Usage: scripts/synapse.sh            — prints the venv's python path on stdout when ready.
# Env:   PASSERELLE_SYNAPSE_VERSION    — override the pinned version.
#        PASSERELLE_SYNAPSE_VENV       — override the venv location.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${PASSERELLE_SYNAPSE_VERSION:-1.163.2}"
venv="${PASSERELLE_SYNAPSE_VENV:-$root/.venv/synapse}"
py="$venv/bin/python"
stamp="$venv/.passerelle-synapse-version"

ready() { [ -x "$py" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ] && "$py" -c 'import synapse.app.homeserver' 2>/dev/null; }
if ready; then
  echo "$py"
  exit 0
fi

# One installer at a time (parallel test files start homeservers at once); re-check under the lock.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if ready; then
  echo "$py"
  exit 0
fi

# Synapse needs Python >= 3.9 with venv/ensurepip (Debian: python3-venv, see system-deps.sh).
base_py="$(command -v python3 || true)"
[ -n "$base_py" ] || { echo "synapse.sh: python3 not found (scripts/system-deps.sh installs it)" >&2; exit 1; }
"$base_py" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 9) else 1)' ||
  { echo "synapse.sh: python3 >= 3.9 with venv/ensurepip is required (Debian: python3-venv)" >&2; exit 1; }

echo "synapse.sh: installing matrix-synapse==$version into ${venv#"$root"/}" >&2
start=$(date +%s)
# Build beside, then swap in: a half-made venv is never at the final path.
tmp="$venv.installing"
rm -rf "$tmp"
"$base_py" -m venv "$tmp"
"$tmp/bin/python" -m pip install --quiet --upgrade pip >&2
"$tmp/bin/python" -m pip install --quiet "matrix-synapse==$version" >&2
echo "$version" >"$tmp/.passerelle-synapse-version"
rm -rf "$venv"
mv "$tmp" "$venv"
"$py" -c 'import synapse.app.homeserver' >&2
echo "synapse.sh: installed in $(($(date +%s) - start)) s" >&2
echo "$py"
