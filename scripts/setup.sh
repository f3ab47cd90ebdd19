#!/bin/sh
# Everything a fresh machine of this kind (Node 20 + npm, Debian) needs, and nothing when it is already there.
set -eu
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# pnpm is not on a fresh machine, and `corepack enable` fails here ("No compatible signature found").
command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@12.21.0 >/dev/null

# Debian's Chromium drives the browser tests (never a downloaded browser), redis-server and PostgreSQL back the store
# tests, HAProxy balances the fleet test's BFF instances (all started by the tests themselves).
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
# In /usr/sbin, which is not on every user's PATH (scripts/haproxy.mjs looks there too).
[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null 2>&1 || missing="$missing haproxy"
# Debian's PyJWT checks proofs with only the published JWKS (packages/bff/src/http/jwks-python.test.ts).
/usr/bin/python3 -c 'import jwt, cryptography' >/dev/null 2>&1 || missing="$missing python3-jwt python3-cryptography"
if [ -n "$missing" ]; then
  echo "setup: installing$missing from Debian"
  as_root apt-get update -qq >/dev/null
  # apt starts nothing in a container; the test scripts start redis-server (and haproxy) themselves on a free loopback port.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

pnpm install --reporter=silent
