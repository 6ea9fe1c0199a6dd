#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Renders a local HTML page to a PNG with headless Chromium, as a 1280x900 window shows it.
#
# usage: render_html.sh HTML PNG
# Exit 0 with PNG written; 1 when Chromium fails or writes nothing; 2 on usage, or when
# Chromium is not installed (make deps-chromium). Bounded by 60 s.
set -euo pipefail

[[ $# -eq 2 && -f $1 ]] || { echo "usage: render_html.sh HTML PNG" >&2; exit 2; }
command -v chromium >/dev/null 2>&1 ||
  { echo "render_html: chromium is not installed (make deps-chromium)" >&2; exit 2; }
html=$(readlink -f "$1")
png=$(readlink -f "$2")

# A throwaway profile, so that nothing of a previous run or of the user's is read.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$png"
# As root (CI) Chromium runs only with --no-sandbox.
if ! timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --no-first-run --disable-extensions --user-data-dir="$profile/data" \
  --screenshot="$png" --window-size=1280,900 "file://$html" >"$profile/log" 2>&1; then
  echo "render_html: chromium failed: $(tail -c 300 "$profile/log")" >&2
  exit 1
fi
[[ -s $png ]] || { echo "render_html: chromium wrote no $png: $(tail -c 300 "$profile/log")" >&2; exit 1; }
