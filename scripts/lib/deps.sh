# shellcheck shell=bash
# Sourced after node-env.sh: installs node_modules with `npm ci` when package-lock.json changed.
_passerelle_stamp="$PASSERELLE_ROOT/node_modules/.passerelle-lock-sha"
_passerelle_want="$(sha256sum "$PASSERELLE_ROOT/package-lock.json" | cut -d' ' -f1)-$(node -p process.versions.modules)"
if [ ! -f "$_passerelle_stamp" ] || [ "$(cat "$_passerelle_stamp")" != "$_passerelle_want" ]; then
  echo "passerelle: installing npm dependencies" >&2
  (cd "$PASSERELLE_ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2) || {
    echo "passerelle: npm ci failed" >&2; return 1 2>/dev/null || exit 1; }
  echo "$_passerelle_want" > "$_passerelle_stamp"
fi
