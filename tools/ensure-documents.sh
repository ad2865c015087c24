#!/usr/bin/env bash
# The PDF documents (engine/documents) are laid out by WeasyPrint on Debian's Pango with the installed fonts.
# Idempotent: nothing happens when Pango and the fonts are there.
set -euo pipefail
if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! fc-list 2>/dev/null | grep -qi 'DejaVuSans'; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core
fi
