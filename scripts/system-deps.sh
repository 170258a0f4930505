#!/usr/bin/env bash
# Installs the Debian packages the tests and the service need, when missing (CI starts clean).
# Usage: scripts/system-deps.sh   — idempotent; apt-get runs only if something is missing.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have pdfsig || need+=(poppler-utils)
have qpdf || need+=(qpdf)
have certutil || need+=(libnss3-tools)
have openssl || need+=(openssl)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing ${need[*]} and not root; install them with apt-get" >&2
  exit 1
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
