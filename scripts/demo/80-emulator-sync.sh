#!/usr/bin/env bash
# DEMO: A local CCM and the sync client: import into SCM (never twice), list, pull the inventory into an air-gapped workspace
set -euo pipefail
d="$DEMO_DIR/emulator-sync"
mkdir -p "$d"
cd "$d"
say() { printf '\n$ %s\n' "$*"; }
printf 'correct horse battery staple (demo only)\n' > passphrase.txt
chmod 600 passphrase.txt
P=(--passphrase-file passphrase.txt)

echo "-- The \"cloud\": a workspace served by the emulator, with its own account (AK/SK from the CSPRNG)"
say "ccmkit workspace init --workspace cloud-ws && ccmkit emulator init-credentials -o creds.json"
"$CCMKIT" workspace init --workspace cloud-ws "${P[@]}" >/dev/null
"$CCMKIT" emulator init-credentials -o creds.json
say "ccmkit emulator --workspace cloud-ws --credentials creds.json --port 0 --json &"
"$CCMKIT" emulator --workspace cloud-ws --credentials creds.json --port 0 --json "${P[@]}" > emulator.out 2> emulator.log &
emu=$!
trap 'kill "$emu" 2>/dev/null || true; wait "$emu" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s emulator.out ] && break; sleep 0.1; done
cat emulator.out
URL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync("emulator.out","utf8").split("\n")[0]).url)')
C=(--endpoint "$URL" --credentials creds.json)

echo
echo "-- A site certificate to upload (made with openssl here; any PEM/DER/PFX works)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout site.key -out site.crt \
  -subj "/CN=www.demo.example" -addext "subjectAltName=DNS:www.demo.example" -days 365 2>/dev/null
chmod 600 site.key

say "ccmkit scm import --name demo-site --certificate site.crt --private-key site.key --endpoint \$URL --credentials creds.json"
"$CCMKIT" scm import --name demo-site --certificate site.crt --private-key site.key "${C[@]}"
say "ccmkit scm import ... --skip-existing   (the same certificate again: found by fingerprint, not imported twice)"
"$CCMKIT" scm import --name demo-site --certificate site.crt --private-key site.key --skip-existing "${C[@]}"
say "ccmkit scm list --endpoint \$URL --credentials creds.json"
"$CCMKIT" scm list "${C[@]}"

echo
echo "-- The air-gapped side: its own workspace records CCM's inventory (keys are not kept unless --with-keys)"
"$CCMKIT" workspace init --workspace local-ws "${P[@]}" >/dev/null
say "ccmkit sync pull --workspace local-ws --endpoint \$URL --credentials creds.json"
"$CCMKIT" sync pull --workspace local-ws "${C[@]}"
say "ccmkit sync pull ... (again: incremental, nothing downloaded twice)"
"$CCMKIT" sync pull --workspace local-ws "${C[@]}"
say "ccmkit sync status --workspace local-ws   (offline)"
"$CCMKIT" sync status --workspace local-ws

echo
echo "-- The emulator's access log: one JSON line per request, no bodies, no secrets"
head -3 emulator.log
