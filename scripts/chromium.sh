#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright cannot download its own
# browser here). Installs it when missing and we may; fails otherwise.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "chromium: installing Debian's chromium" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    exit 0
fi
echo "chromium: /usr/bin/chromium is missing; install it (apt-get install chromium)" >&2
exit 1
