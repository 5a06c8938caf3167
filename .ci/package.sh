#!/usr/bin/env bash
# The npm package as a user gets it: packs it (prepack builds esm/ with tsc),
# installs the tarball into a new project, and proves there that
# - Node (20 here) imports `.`, `./protocol`, `./testing`, `./browser`,
#   `./cli` and the plugins, and signs in against the emulator; Deno does the
#   same from node_modules (nodeModulesDir), and so does Bun;
# - attw finds every entry point's types under node10, node16 and bundler resolution;
# - tsc type-checks a program against the declarations, without skipLibCheck,
#   with the DOM library and as a Node project without it (@types/node only);
# - `npx plextv --version` and `npx plextv login --credentials` against the
#   emulator work with a PATH of node, npm and sh only (no Bun, no Deno),
#   `bunx plextv --version` with Bun only, and Deno runs the same bin;
# - the installed runtime tree is plextv and its declared dependencies only,
#   none of which brings a package of its own (ioredis only if asked for).
# Called by .ci/run; runs alone too: `bash .ci/package.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
started=$(date +%s)
work=$(mktemp -d)
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "package: npm pack"
npm pack --silent --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/*.tgz)
echo "package: $(basename "$tarball"), $(tar tzf "$tarball" | wc -l) files, $(du -k "$tarball" | cut -f1) KiB"

app="$work/app"
mkdir -p "$app"
cp tests/_helpers/npm_consumer/* "$app/"
printf '{ "name": "consumer", "private": true, "type": "module" }\n' >"$app/package.json"
printf '{ "nodeModulesDir": "manual" }\n' >"$app/deno.json"
(cd "$app" && npm install --no-audit --no-fund --silent "$tarball")

expect_run() { # RUNTIME OUTPUT: the consumer program's JSON line says it all worked
  node - "$1" "$2" <<'EOF'
const [runtime, output] = process.argv.slice(2);
const got = JSON.parse(output.trim().split("\n").pop());
const want = {
  runtime,
  version: JSON.parse(require("node:fs").readFileSync("package.json", "utf8")).version,
  username: "plexuser",
  jwt: true,
  savedKey: true,
  unauthorized: "unauthorized",
  redisCode: "store_unavailable",
  browserClientId: "function",
  runCli: "function",
};
const seen = { ...got, redisCode: got.redis?.code };
const wrong = Object.keys(want).filter((k) => seen[k] !== want[k]);
if (!/\/node_modules\/@plexkit\/plextv\/esm\/mod\.js$/.test(got.entry)) wrong.push(`entry ${got.entry}`);
if (!/npm install ioredis/.test(got.redis?.hint ?? "")) wrong.push("redis hint");
if (wrong.length > 0) {
  console.error(`package: ${runtime}: unexpected ${wrong.join(", ")} in ${output}`);
  process.exit(1);
}
console.log(`package: ${runtime}: imported from ${got.entry.replace(/^.*\/node_modules\//, "node_modules/")}, signed in as ${got.username} with a JWT, ioredis asked for`);
EOF
}

echo "package: Node $(node --version) imports the package and signs in against the emulator"
expect_run node "$(cd "$app" && node main.mjs)"
echo "package: Deno imports it from node_modules"
expect_run deno "$(cd "$app" && "$repo/node_modules/.bin/deno" run -A main.mjs)"
echo "package: Bun imports it"
expect_run bun "$(cd "$app" && "$repo/node_modules/.bin/bun" main.mjs)"

# Are the Types Wrong? (attw): every entry point's types and JavaScript resolve under TypeScript's
# node10, node16 and bundler rules. Its rule that a require() reaching ESM is an error is ignored:
# the package is ESM only, and Node requires ES modules since 20.19 and 22.12 (tests/npm_package_test.ts
# requires every entry point from CommonJS).
echo "package: attw on the tarball (node10, node16, bundler)"
"$repo/node_modules/.bin/attw" "$tarball" --ignore-rules cjs-resolves-to-esm --format table-flipped --no-emoji --no-color

echo "package: tsc type-checks a program against the declarations (skipLibCheck off), with the DOM library and without it"
for config in tsconfig.json tsconfig.node.json; do
  (cd "$app" && "$repo/node_modules/.bin/tsc" -p "$config" --typeRoots "$repo/node_modules/@types")
done

# A PATH with node, npm and a shell only (npm needs sh), then one with Bun only.
nodebin="$work/node-only"
bunbin="$work/bun-only"
mkdir -p "$nodebin" "$bunbin"
for tool in node npm npx; do ln -s "$(readlink -f "$(command -v "$tool")")" "$nodebin/$tool"; done
ln -s "$(readlink -f "$(command -v sh)")" "$nodebin/sh"
ln -s "$(readlink -f node_modules/bun/bin/bun.exe)" "$bunbin/bun"
ln -s "$(readlink -f node_modules/bun/bin/bun.exe)" "$bunbin/bunx"
home="$work/home"
mkdir -p "$home"
node_only() { (cd "$app" && env -i HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
  PATH="$nodebin" NO_COLOR=1 NPM_CONFIG_UPDATE_NOTIFIER=false "$@"); }
if node_only sh -c 'command -v bun || command -v deno' >/dev/null; then
  echo "package: the node-only PATH has Bun or Deno" >&2
  exit 1
fi

version=$(node_only npx plextv --version)
echo "package: npx plextv --version and npx @plexkit/plextv --version (node only): $version"
[ "$version" = "plextv $(node -p 'require("./package.json").version')" ]
[ "$(node_only npx --offline @plexkit/plextv --version)" = "$version" ]
echo "package: bunx plextv --version (Bun only): $(cd "$app" && env -i HOME="$home" PATH="$bunbin" bunx plextv --version)"
echo "package: the bin under Deno: $(cd "$app" && "$repo/node_modules/.bin/deno" run -A node_modules/.bin/plextv --version)"

# exec: $! is the emulator itself, so the cleanup stops it.
(cd "$app" && exec env -i HOME="$home" PATH="$nodebin" node node_modules/.bin/plextv emulator --port 0) \
  >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/emulator.log" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/emulator.log" >&2; exit 1; }
echo "package: npx plextv login --credentials against the emulator at $url (node only)"
printf 'plexpass\n' | node_only PLEXTV_URL="$url" PLEXTV_VAULT_PASSPHRASE=ci-passphrase \
  npx plextv login --credentials --username plexuser --jwt 2>"$work/login.err"
grep -q "Signed in to plex.tv as plexuser" "$work/login.err" || { cat "$work/login.err" >&2; exit 1; }
status=$(node_only PLEXTV_URL="$url" PLEXTV_VAULT_PASSPHRASE=ci-passphrase npx plextv status --json)
node -e 'const s = JSON.parse(process.argv[1]);
  if (s.username !== "plexuser" || s.tokenType !== "jwt" || s.tokenSource !== "store") process.exit(1)' "$status" ||
  { echo "package: status after login: $status" >&2; exit 1; }
echo "package: signed in with a JWT, stored in the vault; status reads it back"

echo "package: npm ls --omit=dev --all"
(cd "$app" && npm ls --omit=dev --all) || true
node - "$app" <<'EOF'
// Every installed package must be plextv or one of its declared runtime
// dependencies, and those bring nothing further.
const { readFileSync, readdirSync, existsSync } = require("node:fs");
const { join } = require("node:path");
const modules = join(process.argv[2], "node_modules");
const installed = readdirSync(modules).filter((n) => !n.startsWith(".")).flatMap((n) =>
  n.startsWith("@") ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n]
);
const plextv = JSON.parse(readFileSync(join(modules, "@plexkit/plextv/package.json"), "utf8"));
const declared = Object.keys(plextv.dependencies ?? {});
const extra = installed.filter((n) => n !== "@plexkit/plextv" && !declared.includes(n));
const heavy = declared.filter((n) => {
  const file = join(modules, n, "package.json");
  return existsSync(file) && Object.keys(JSON.parse(readFileSync(file, "utf8")).dependencies ?? {}).length > 0;
});
console.log(`package: runtime dependencies: ${declared.join(", ") || "none"}; installed: ${installed.length}`);
if (extra.length > 0 || heavy.length > 0) {
  console.error(`package: installed beyond plextv's own dependencies: ${extra.join(", ") || "none"}`);
  console.error(`package: dependencies that bring more packages: ${heavy.join(", ") || "none"}`);
  process.exit(1);
}
EOF

echo "package: done in $(($(date +%s) - started)) s"
