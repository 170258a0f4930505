#!/usr/bin/env bash
# Installs the Debian packages the tests and the service need, when missing (CI starts clean).
# Usage: scripts/system-deps.sh   — idempotent; apt-get runs only if something is missing.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have pdfsig || need+=(poppler-utils)
have qpdf || need+=(qpdf)
# Ghostscript: one of the "other producers" whose PDFs the seal tests sign (test/integration/pdf/seal.test.ts).
have gs || need+=(ghostscript)
have certutil || need+=(libnss3-tools)
have openssl || need+=(openssl)
# XML schema validation of CDA documents against the ANS kit (xmllint --schema).
have xmllint || need+=(libxml2-utils)
# Headless browser for the web app's end-to-end tests (playwright-core drives it; no browser download).
[ -x /usr/bin/chromium ] || need+=(chromium)
# PostgreSQL server for the integration tests (test/integration/postgres.ts): initdb/pg_ctl on
# PATH or in Debian's /usr/lib/postgresql/<version>/bin (not on PATH by default).
have_pg() {
  have initdb && have pg_ctl && return 0
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && return 0; done
  return 1
}
have_pg || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing ${need[*]} and not root; install them with apt-get" >&2
  exit 1
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
