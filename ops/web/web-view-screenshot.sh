#!/usr/bin/env bash
# The README's picture of the web view: runs the browser test (WebViewBrowserIT: the application with the bundled
# models on the in-process broker, Debian's chromium driven by playwright-core from npm; it asks toy questions until
# an answer shows a corrected sentence) and copies its screenshot to docs/web-view.png.
#
#   ops/web/web-view-screenshot.sh
#
# Needs node/npm and chromium (apt-get install chromium); the test installs playwright-core under topology/target/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are needed" >&2; exit 1; }
[[ -x "${CHROMIUM:-/usr/bin/chromium}" ]] || { echo "no chromium at ${CHROMIUM:-/usr/bin/chromium}: apt-get install chromium" >&2; exit 1; }

mvn -q -B -pl topology -am -DskipTests install >&2
mvn -q -B -pl topology verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=WebViewBrowserIT >&2
SHOT=topology/target/web-view/web-view.png
[[ -s "$SHOT" ]] || { echo "the browser test made no screenshot ($SHOT)" >&2; exit 1; }
mkdir -p docs
cp "$SHOT" docs/web-view.png
echo "docs/web-view.png: $(wc -c < docs/web-view.png) bytes"
