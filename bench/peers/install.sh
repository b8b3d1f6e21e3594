#!/usr/bin/env bash
# Install the peers that bench.peers measures the platform against, and nothing else.
# A bench-only step: `make bench-peers` (bench.peers runs it when something is missing);
# never run by `make up` or `make test`. Idempotent: every step checks first.
#   1. Debian's redis-server (the channel layer of the Django Channels peer)
#   2. .tools/peers/venv: Django + DRF + gunicorn, Channels + channels-redis + uvicorn
#   3. .tools/peers/postgraphile: PostGraphile 5 from bench/peers/postgraphile's lock file
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEERS="${ROOT}/bench/peers"
TOOLS="${ROOT}/.tools/peers"
VENV="${TOOLS}/venv"
STAMP="${VENV}/.installed-from-requirements"
GRAPHILE_SRC="${PEERS}/postgraphile"
GRAPHILE="${TOOLS}/postgraphile"

say() { printf 'bench-peers: %s\n' "$*"; }

as_root() {
    if [[ ${EUID} -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# --- 1. redis-server --------------------------------------------------------
if command -v redis-server >/dev/null 2>&1; then
    say "redis-server: present"
else
    say "installing Debian's redis-server"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    # Debian starts a system redis on 6379; the bench starts its own on a free port.
    if command -v systemctl >/dev/null 2>&1; then
        as_root systemctl disable --now redis-server >/dev/null 2>&1 || true
    fi
fi

# --- 2. the Python peers' virtualenv -----------------------------------------
mkdir -p "${TOOLS}"
if [[ ! -x ${VENV}/bin/python ]]; then
    say "creating ${VENV#"${ROOT}/"}"
    /usr/bin/python3 -m venv "${VENV}"
fi
if [[ ! -f ${STAMP} || ${PEERS}/requirements.txt -nt ${STAMP} ]]; then
    say "installing the Django, DRF and Channels peers into ${VENV#"${ROOT}/"}"
    "${VENV}/bin/python" -m pip install --quiet --upgrade pip
    "${VENV}/bin/python" -m pip install --quiet -r "${PEERS}/requirements.txt"
    touch "${STAMP}"
else
    say "Python peers: up to date with requirements.txt"
fi

# --- 3. PostGraphile ---------------------------------------------------------
if [[ -f ${GRAPHILE_SRC}/package-lock.json ]]; then
    if [[ ! -d ${GRAPHILE}/node_modules || ${GRAPHILE_SRC}/package-lock.json -nt ${GRAPHILE}/.installed ]]; then
        command -v npm >/dev/null 2>&1 || { as_root apt-get install -y -qq npm >/dev/null; }
        say "installing PostGraphile into ${GRAPHILE#"${ROOT}/"}"
        mkdir -p "${GRAPHILE}"
        cp "${GRAPHILE_SRC}/package.json" "${GRAPHILE_SRC}/package-lock.json" "${GRAPHILE}/"
        (cd "${GRAPHILE}" && npm ci --silent --no-audit --no-fund)
        touch "${GRAPHILE}/.installed"
    else
        say "PostGraphile: up to date with package-lock.json"
    fi
    # its config and start script (bench.peers.graphile copies them again on every start)
    cp "${GRAPHILE_SRC}"/*.mjs "${GRAPHILE}/"
fi

say "done"
