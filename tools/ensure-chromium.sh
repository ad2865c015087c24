#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a Playwright browser download);
# the fonts make their screenshots legible. Idempotent: nothing happens when it is there.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-liberation
fi
