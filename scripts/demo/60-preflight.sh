#!/usr/bin/env bash
# DEMO: Pre-flight — what CCM would answer, before uploading (and --fix)
set -euo pipefail
cd "$DEMO_DIR"
mkdir -p preflight && cd preflight
say() { printf '\n$ %s\n' "$*"; }

# A small PKI made with openssl: root -> intermediate -> www.example.com (RSA 2048).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -subj "/CN=Demo Root" -days 3650 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign -out root.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout int.key -subj "/CN=Demo Intermediate" -out int.csr 2>/dev/null
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -days 1825 -out int.pem \
  -extfile <(printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign') 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout leaf.key -subj "/CN=www.example.com" -out leaf.csr 2>/dev/null
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -days 365 -out leaf.pem \
  -extfile <(printf 'subjectAltName=DNS:www.example.com,DNS:example.com') 2>/dev/null
openssl pkey -in leaf.key -aes-256-cbc -passout pass:demo-pass -out leaf-encrypted.key

# The body an operator typically pastes: everything in "certificate", root first, an encrypted key, a bad name.
python3 - <<'PY'
import json
pem = lambda f: open(f).read()
json.dump({"name": "www example.com", "certificate": pem("leaf.pem") + pem("root.pem") + pem("int.pem"),
           "private_key": pem("leaf-encrypted.key")}, open("body.json", "w"))
json.dump({"name": "www_example_com", "certificate": pem("leaf.pem") + pem("root.pem") + pem("int.pem"),
           "private_key": pem("leaf-encrypted.key")}, open("body2.json", "w"))
PY

say "ccmkit validate scm-import body.json   (every finding, and the first as CCM would answer it)"
"$CCMKIT" validate scm-import body.json || echo "(exit $?)"

say "ccmkit validate scm-import body2.json --fix --passphrase-file pw.txt -o fixed.json"
echo demo-pass > pw.txt
"$CCMKIT" validate scm-import body2.json --fix --passphrase-file pw.txt -o fixed.json
ls -l fixed.json

say "ccmkit validate pca-create-ca root-ca.json   (a root CA valid for 31 years, path length 7)"
cat > root-ca.json <<'JSON'
{"type": "ROOT", "key_algorithm": "RSA4096", "signature_algorithm": "SHA512",
 "distinguished_name": {"country": "CN", "state": "Sichuan", "locality": "Chengdu", "organization": "Demo", "organizational_unit": "PKI", "common_name": "Demo Root CA"},
 "validity": {"type": "YEAR", "value": 31}, "path_length": 7}
JSON
"$CCMKIT" validate pca-create-ca root-ca.json || echo "(exit $?)"

say "ccmkit validate pca-import-ca --csr int.csr --certificate int.pem --certificate-chain root.pem --json"
"$CCMKIT" validate pca-import-ca --csr int.csr --certificate int.pem --certificate-chain root.pem --json
