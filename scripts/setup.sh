#!/bin/sh
# Installs what Packetlens needs and is missing, then builds what is stale.
# Safe to run any number of times.
#   scripts/setup.sh          for the app, the CLI and the live-capture bridge (libpcap)
#   scripts/setup.sh test     also the test tools (tshark, chromium)
#   scripts/setup.sh bench    also the benchmark tools (tshark, chromium)
set -eu
cd "$(dirname "$0")/.."
mode="${1:-run}"

say() { printf 'setup: %s\n' "$*" >&2; }

# Node 20.6 or newer (for --import and the engine's WebAssembly features).
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=6)?0:1)' ||
  { say "Node.js 20.6 or newer is needed (found $(node --version))"; exit 1; }

# Debian packages, installed only when missing. libpcap-dev in every mode:
# `npm ci` builds the live-capture bridge's libpcap binding (cap) against it.
need_pkgs=""
want() { dpkg -s "$1" >/dev/null 2>&1 || need_pkgs="$need_pkgs $1"; }
want libpcap-dev
case "$mode" in
  test) want tshark; want wireshark-common; want chromium; want iputils-ping ;;
  bench) want tshark; want wireshark-common; want chromium ;;
esac
if [ -n "$need_pkgs" ]; then
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages:$need_pkgs (run as root, or install them with apt-get)"; exit 1
  fi
  say "installing$need_pkgs"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need_pkgs >/dev/null
fi

# npm packages, installed when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm_config_nodedir=/usr npm ci --no-audit --no-fund --loglevel=error
fi

# The WebAssembly engine, rebuilt when any of its sources is newer.
wasm=assembly/build/engine.wasm
if [ ! -f "$wasm" ] || [ -n "$(find assembly asconfig.json -newer "$wasm" -name '*.ts' -o -newer "$wasm" -name '*.json' 2>/dev/null | head -n 1)" ]; then
  say "building the engine"
  npx asc assembly/index.ts --config asconfig.json --target release
fi

# The offline name data (MAC vendors, port services, IP countries and AS) in
# data/names/, built from npm packages when missing, or older than the lock
# file (new package versions) or than the code that writes it.
names=data/names
stamp="$names/.built"
if [ ! -f "$stamp" ] || [ ! -f "$names/oui.bin" ] || [ ! -f "$names/services.bin" ] || [ ! -f "$names/country.bin" ] || [ ! -f "$names/asn.bin" ] ||
  [ -n "$(find package-lock.json scripts/build-names.ts src/lib/names -newer "$stamp" -name '*.ts' -o -newer "$stamp" -name package-lock.json 2>/dev/null | head -n 1)" ]; then
  say "building the name data"
  npx tsx scripts/build-names.ts "$names"
  touch "$stamp"
fi
