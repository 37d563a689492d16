#!/usr/bin/env bash
# A new user, outside the repository: pack the fresh build, install the tarball into an empty
# folder with production dependencies only, run the CLI through npx, and synthesize a cdktf and a
# cdktn app that import the aspect from the installed package. Prints the install's size, package
# count, install time and cold start (figures only: nothing here asserts on time).
# KEEP_NEW_USER_DIR=1 keeps the folder for a look afterwards.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/preflight-new-user.XXXXXX")"
if [ -z "${KEEP_NEW_USER_DIR:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "new-user: keeping $work"; fi

# A loaded machine or a slow registry: retry, wait long, and take what the cache already has.
export npm_config_fetch_retries=5 npm_config_fetch_retry_mintimeout=20000 npm_config_fetch_retry_maxtimeout=120000
export npm_config_fetch_timeout=600000 npm_config_prefer_offline=true
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_loglevel=error
unset NODE_PATH

fail() { echo "new-user: FAIL: $*" >&2; exit 1; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# Exit code of a command, without set -e stopping the script.
status() { local rc=0; "$@" >"$work/last.out" 2>"$work/last.err" || rc=$?; echo "$rc"; }
expect_status() {
  local want="$1"; shift
  local got; got="$(status "$@")"
  [ "$got" = "$want" ] || { cat "$work/last.out" "$work/last.err" >&2; fail "'$*' exited $got, expected $want"; }
}
version_of() { node -p "require('$repo/node_modules/$1/package.json').version"; }

# Nothing above the user's folder may lend it packages.
for up in "$work" "$(dirname "$work")" /; do [ ! -e "$up/node_modules" ] || fail "$up/node_modules exists: the install would not be alone"; done

echo "new-user: npm pack (prepack builds from a clean dist/)"
(cd "$repo" && npm pack --pack-destination "$work" >"$work/pack.log" 2>&1) || { cat "$work/pack.log" >&2; fail "npm pack"; }
tarball="$(ls "$work"/cdktf-gke-preflight-*.tgz)"
listing="$(tar -tzf "$tarball")"
for f in package/LICENSE package/README.md package/dist/cli/main.js package/dist/index.js package/dist/index.d.ts \
  package/dist/knowledge/roles.json package/docs/rules/GKE001.md package/docs/ci.md package/examples/plans/good-cluster.plan.json; do
  grep -qx "$f" <<<"$listing" || fail "the tarball lacks $f"
done
! grep -qE '^package/(src|test|node_modules|stacks|bench)/' <<<"$listing" || fail "the tarball carries sources or tests"
tar -xzOf "$tarball" package/LICENSE | head -3 | grep -q "Apache License" || fail "LICENSE is not the Apache License"

user="$work/user"
mkdir "$user"
cd "$user"
printf '{ "name": "new-user", "version": "1.0.0", "private": true }\n' >package.json
start="$(ms)"
npm install --omit=dev "$tarball" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "npm install of the tarball"; }
install_ms=$(( $(ms) - start ))
install_mb="$(du -sm node_modules | cut -f1)"
packages="$(npm ls --all --omit=dev --parseable 2>/dev/null | tail -n +2 | sort -u | wc -l)"
for dev in typescript jest ts-jest tsx cdktf cdktn @cdktf/provider-google constructs; do
  [ ! -e "node_modules/$dev" ] || fail "a production install brought $dev"
done
installed="node_modules/cdktf-gke-preflight"
examples="$installed/examples"

echo "new-user: the CLI through npx --no-install"
version="$(npx --no-install cdktf-gke-preflight --version)"
[ "$version" = "$(node -p "require('$repo/package.json').version")" ] || fail "--version says $version"
expect_status 0 npx --no-install cdktf-gke-preflight "$examples/plans/good-cluster.plan.json"
grep -q "The gate passes." "$work/last.out" || fail "no gate line for the good plan"
expect_status 1 npx --no-install cdktf-gke-preflight "$examples/plans/bad-minimal-roles.plan.json" --format text --format sarif=reports/preflight.sarif
grep -q "FAIL *GKE001" "$work/last.out" || fail "GKE001 not reported on the bad plan"
node -e 'JSON.parse(require("fs").readFileSync("reports/preflight.sarif","utf8")).runs[0].results.length > 0 || process.exit(1)' || fail "no SARIF results"
expect_status 0 npx --no-install cdktf-gke-preflight "$examples/plans/bad-minimal-roles.plan.json" --soft-fail
expect_status 1 sh -c "npx --no-install cdktf-gke-preflight - < '$examples/plans/bad-minimal-roles.plan.json'"
echo '{ "not": "a plan" }' >not-a-plan.json
expect_status 2 npx --no-install cdktf-gke-preflight not-a-plan.json
grep -q "^preflight: not-a-plan.json: " "$work/last.err" || fail "bad input is not one line naming the file"
expect_status 0 npx --no-install cdktf-gke-preflight explain GKE001
cmp -s "$work/last.out" "$installed/docs/rules/GKE001.md" || fail "explain GKE001 is not the shipped rule page"
expect_status 0 npx --no-install preflight rules
grep -q "GKE011" "$work/last.out" || fail "the preflight bin does not list the rules"

# Cold start: a fresh process on the good example, median of 5 (a figure, not a check).
times=()
for _ in 1 2 3 4 5; do
  t0="$(ms)"; node "$installed/dist/cli/main.js" "$examples/plans/good-cluster.plan.json" >/dev/null; times+=($(( $(ms) - t0 )))
done
cold_ms="$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)"

echo "new-user: CDKTF apps that import the aspect from the installed package"
start="$(ms)"
npm install "cdktf@$(version_of cdktf)" "cdktn@$(version_of cdktn)" "constructs@$(version_of constructs)" >"$work/install-cdk.log" 2>&1 ||
  { cat "$work/install-cdk.log" >&2; fail "npm install cdktf cdktn constructs"; }
cdk_install_ms=$(( $(ms) - start ))
cp "$repo/scripts/new-user/app.js" app.js
for framework in cdktf cdktn; do
  out="$work/$framework.out"
  expect_status 0 env CDKTF_OUTDIR="$out" node app.js "$framework" good
  other=$([ "$framework" = cdktf ] && echo cdktn || echo cdktf)
  grep -q "loaded $([ "$framework" = cdktf ] && echo "cdktf=true cdktn=false" || echo "cdktf=false cdktn=true")" "$work/last.out" ||
    { cat "$work/last.out" >&2; fail "the $framework app loaded $other"; }
  [ -f "$out/stacks/gke/cdk.tf.json" ] || fail "the $framework app wrote no cdk.tf.json"
  expect_status 0 npx --no-install cdktf-gke-preflight "$out"
  # The failing app: synth itself fails, naming the rule and the construct.
  expect_status 1 env CDKTF_OUTDIR="$work/$framework-bad.out" node app.js "$framework" bad
  grep -q "GKE001" "$work/last.err" || { cat "$work/last.err" >&2; fail "the failing $framework app did not fail on GKE001"; }
  # As the cdktf CLI runs it: the finding is an error annotation in the manifest.
  expect_status 0 env CDKTF_OUTDIR="$work/$framework-cli.out" CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=true node app.js "$framework" bad
  grep -q '"@cdktf/error"' "$work/$framework-cli.out/manifest.json" || fail "no error annotation in the $framework manifest"
  expect_status 1 npx --no-install cdktf-gke-preflight "$work/$framework-cli.out"
done

echo "new-user: production install ${install_mb} MB, ${packages} packages, ${install_ms} ms to install;" \
  "cold start ${cold_ms} ms (median of 5: ${times[*]}); cdktf+cdktn+constructs installed in ${cdk_install_ms} ms"
echo "new-user: 1 passed, 0 failed"
