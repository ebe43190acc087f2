#!/usr/bin/env bash
# Install the tools the editor tests drive: code-server 4.100.3, Debian Chromium,
# puppeteer-core and Neovim. Everything comes from the Debian and npm registries.
# Idempotent: a second run only checks what is already there.
#
# code-server 4.100.3 is the newest release that runs on Node 20; it bundles VS Code 1.100.3.
# Its npm postinstall downloads ripgrep from GitHub, so this script skips install scripts
# and redoes their work by hand, using Debian's ripgrep.
#
# Usage: scripts/install-code-server.sh
# Environment: NETZ_CACHE_DIR (default: ~/.cache/netz-ai, shared with scripts/setup.sh).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${NETZ_CACHE_DIR:-$HOME/.cache/netz-ai}"
code_server_version="4.100.3"
puppeteer_version="24.43.1"
prefix="$cache_dir/code-server-$code_server_version"
package_dir="$prefix/lib/node_modules/code-server"
tools_dir="$cache_dir/editor-test-node"
marker="$prefix/.netz-install-complete"

log() { printf '[install-code-server] %s\n' "$*" >&2; }

install_debian_packages() {
    local missing=()
    for package in chromium neovim ripgrep libkrb5-dev pkg-config; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$package")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return
    fi
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get install -y --no-install-recommends "${missing[@]}" \
        || { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends "${missing[@]}"; }
}

# Run npm with the variables an outer npm exports cleared, so that a nested install in
# lib/vscode does not inherit --prefix, --global or --ignore-scripts from the outer one.
# Leading NAME=VALUE arguments are set after the clearing.
clean_npm() {
    local assignments=()
    while [ "$#" -gt 0 ] && [[ "$1" == *=* ]]; do
        assignments+=("$1")
        shift
    done
    env $(env | grep -o '^npm_config_[^=]*' | sed 's/^/-u /') "${assignments[@]}" npm "$@"
}

install_code_server() {
    if [ -f "$marker" ]; then
        log "code-server $code_server_version already installed in $prefix"
        return
    fi
    log "installing code-server $code_server_version into $prefix"
    mkdir -p "$prefix"
    clean_npm install -g --prefix "$prefix" --ignore-scripts --no-audit --no-fund \
        "code-server@$code_server_version"

    (cd "$package_dir" && clean_npm rebuild argon2)

    local vscode_dir="$package_dir/lib/vscode"
    (cd "$vscode_dir" && clean_npm install --omit=dev --ignore-scripts --no-audit --no-fund)

    local rg_dir="$vscode_dir/node_modules/@vscode/ripgrep/bin"
    mkdir -p "$rg_dir"
    cp /usr/bin/rg "$rg_dir/rg"

    # node-pty's install script runs `npx node-gyp`, which needs npm_config_yes to proceed.
    (cd "$vscode_dir" && clean_npm npm_config_yes=true rebuild \
        kerberos @parcel/watcher @vscode/deviceid @vscode/spdlog native-watchdog node-pty)

    # The links that code-server's postinstall would have made.
    ln -sfn node_modules "$vscode_dir/node_modules.asar"
    ln -sfn code-linux.sh "$vscode_dir/bin/remote-cli/code-server"
    ln -sfn browser-linux.sh "$vscode_dir/bin/helpers/browser.sh"

    (cd "$vscode_dir/extensions" && clean_npm install --omit=dev --no-audit --no-fund)

    "$prefix/bin/code-server" --version >/dev/null
    touch "$marker"
    log "code-server installed: $prefix/bin/code-server"
}

install_puppeteer() {
    if [ -f "$tools_dir/node_modules/puppeteer-core/package.json" ]; then
        log "puppeteer-core already installed in $tools_dir"
        return
    fi
    log "installing puppeteer-core $puppeteer_version into $tools_dir"
    mkdir -p "$tools_dir"
    if [ ! -f "$tools_dir/package.json" ]; then
        printf '{ "name": "netz-editor-test-tools", "private": true }\n' >"$tools_dir/package.json"
    fi
    # puppeteer-core never downloads a browser; the tests use /usr/bin/chromium.
    (cd "$tools_dir" && clean_npm install --no-audit --no-fund "puppeteer-core@$puppeteer_version")
}

install_debian_packages
install_code_server
install_puppeteer
log "done: code-server at $prefix/bin/code-server, puppeteer-core in $tools_dir/node_modules"
