#!/usr/bin/env bash
# DEMO: Air-gapped CA: a workspace that answers like CCM's PCA (root, subordinate, NGINX export, revocation, CRL)
set -euo pipefail
d="$DEMO_DIR/offline-ca"
mkdir -p "$d"
cd "$d"
say() { printf '\n$ %s\n' "$*"; }
# The workspace and its passphrase, as an operator on an air-gapped machine sets them once.
export CCMKIT_WORKSPACE="$d/ca-workspace"
printf 'correct horse battery staple (demo only)\n' > passphrase.txt
chmod 600 passphrase.txt
P=(--passphrase-file passphrase.txt)
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

say "ccmkit workspace init --crl-base-url http://crl.example.com/pca --passphrase-file passphrase.txt"
"$CCMKIT" workspace init --crl-base-url http://crl.example.com/pca "${P[@]}"

echo
echo "-- root.json is PCA's own 'Creating a CA' body (POST /v1/private-certificate-authorities)"
cat > root.json <<'J'
{"type": "ROOT", "key_algorithm": "RSA2048", "signature_algorithm": "SHA256",
 "distinguished_name": {"common_name": "Demo Offline Root CA", "country": "CN", "state": "Guangdong",
                        "locality": "Shenzhen", "organization": "Demo", "organizational_unit": "PKI"},
 "validity": {"type": "YEAR", "value": 20},
 "crl_configuration": {"enabled": true, "obs_bucket_name": "demo-crl", "valid_days": 7}}
J
cat root.json
say "ccmkit ca create root.json"
"$CCMKIT" ca create root.json "${P[@]}"
ROOT=$("$CCMKIT" ca list --type root --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).certificate_authorities[0].ca_id))')

cat > sub.json <<J
{"type": "SUBORDINATE", "issuer_id": "$ROOT", "key_algorithm": "EC256", "signature_algorithm": "SHA256",
 "path_length": 0, "validity": {"type": "YEAR", "value": 5},
 "distinguished_name": {"common_name": "Demo Issuing CA", "country": "CN", "state": "Guangdong",
                        "locality": "Shenzhen", "organization": "Demo", "organizational_unit": "PKI"},
 "crl_configuration": {"enabled": true, "obs_bucket_name": "demo-crl", "valid_days": 7}}
J
say "ccmkit ca create sub.json --json   (PCA's answer: {\"ca_id\": ...})"
"$CCMKIT" ca create sub.json --json "${P[@]}" | tee sub.out
SUB=$(field ca_id < sub.out)
say "ccmkit ca list"
"$CCMKIT" ca list

echo
echo "-- a server certificate: PCA 'Applying for a Certificate'; the key is made and kept (encrypted) in the workspace"
cat > www.json <<J
{"issuer_id": "$SUB", "key_algorithm": "EC256", "signature_algorithm": "SHA256",
 "distinguished_name": {"common_name": "www.demo.example"}, "validity": {"type": "DAY", "value": 90},
 "subject_alternative_names": [{"type": "DNS", "value": "www.demo.example"}],
 "extended_key_usage": {"server_auth": true}}
J
say "ccmkit cert apply www.json"
"$CCMKIT" cert apply www.json --json "${P[@]}" | tee www.out
WWW=$(field certificate_id < www.out)

say "ccmkit cert export $WWW --type NGINX --compressed -o out/   (PCA's zip: server.key + server.crt)"
"$CCMKIT" cert export "$WWW" --type NGINX --compressed -o out/ "${P[@]}"
python3 -m zipfile -l out/www.demo.example_nginx.zip
python3 -m zipfile -e out/www.demo.example_nginx.zip out/nginx
"$CCMKIT" ca export "$ROOT" -o root.pem
echo "-- openssl verifies the chain nginx would send (server.crt holds leaf + issuing CA):"
openssl verify -CAfile root.pem -untrusted out/nginx/server.crt out/nginx/server.crt

echo
echo "-- a CSR from elsewhere: PCA 'Issuing a certificate via CSR' (its key never enters the workspace)"
"$CCMKIT" key generate --algorithm EC256 --out api.key
"$CCMKIT" csr create --key api.key --cn api.demo.example --san DNS:api.demo.example --body pca-issue --issuer-id "$SUB" --validity DAY:30 > issue.json
say "ccmkit cert issue-csr issue.json"
"$CCMKIT" cert issue-csr issue.json --json "${P[@]}" | tee api.out
API=$(field certificate_id < api.out)
"$CCMKIT" cert export "$API" --type other --json "${P[@]}" > api-export.json
node -e 'const b=require(process.argv[1]); require("fs").writeFileSync("api.pem", b.certificate.replace(/\r\n/g,"\n")+"\n"); require("fs").writeFileSync("api-chain.pem", b.certificate_chain.replace(/\r\n/g,"\n")+"\n")' "$d/api-export.json"

echo
echo "-- the key of api.demo.example leaked: revoke it; the issuing CA's CRL is rebuilt in the same transaction"
say "ccmkit cert revoke $API --reason key_compromise"
"$CCMKIT" cert revoke "$API" --reason key_compromise "${P[@]}"
"$CCMKIT" cert list
ls -l ca-workspace/crl
openssl crl -inform DER -in "ca-workspace/crl/$SUB.crl" -out sub-crl.pem
openssl crl -in sub-crl.pem -noout -text | head -19
echo "-- openssl: the CRL verifies, and -crl_check refuses the revoked certificate"
openssl crl -in sub-crl.pem -CAfile api-chain.pem -noout -verify 2>&1 | head -1
openssl verify -crl_check -CAfile root.pem -untrusted api-chain.pem -CRLfile sub-crl.pem api.pem 2>&1 | grep -E "revoked|OK" | head -2 || true

say "ccmkit crl generate --ca $SUB   (re-sign before nextUpdate; the CRL number only grows)"
"$CCMKIT" crl generate --ca "$SUB" "${P[@]}"

echo
echo "-- PCA's state machine, exactly: an ACTIVED CA cannot be deleted (403 PCA.00030201)"
say "ccmkit ca delete $SUB --pending-days 7"
"$CCMKIT" ca delete "$SUB" --pending-days 7 --json || echo "exit $?"

say "ccmkit workspace check"
"$CCMKIT" workspace check "${P[@]}"
say "ccmkit workspace backup ca-backup.db"
"$CCMKIT" workspace backup ca-backup.db
