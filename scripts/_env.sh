# Shared set-up for Kith's scripts: system libraries (as root, via apt) and the virtualenv.
# Sourced, not executed. Idempotent: a second run installs nothing.
set -euo pipefail
KITH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KITH_VENV:-$KITH_ROOT/.venv}"
PY="${PYTHON:-python3}"

# Debian packages: Qt's runtime libraries, the PostgreSQL server the tests start, and glibc's
# locale sources (the CLI time tests compile de_DE, en_US and en_GB from them).
KITH_APT_PACKAGES="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
libxcb-randr0 libxcb-render-util0 libxcb-image0 postgresql locales"

kith_system_deps() {
  local missing=()
  for pkg in $KITH_APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "kith: missing system packages (install them as root): ${missing[*]}" >&2
    return 0
  fi
  echo "kith: installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

kith_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.kith-installed-$extras"
  if [ ! -f "$stamp" ] || [ "$KITH_ROOT/pyproject.toml" -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e "$KITH_ROOT[$extras]"
    touch "$stamp"
  fi
}
