#!/usr/bin/env bash
# DEMO: Air-gapped preparation: a key and CSR made offline, the PCA issue-by-CSR body, and its pre-flight
set -euo pipefail
cd "$DEMO_DIR"
mkdir -p keys-csrs && cd keys-csrs

echo "--- 1. An EC384 key for a subordinate CA, encrypted (its password from the environment, never argv)"
# CCMKIT_OUT_PASSWORD protects what is written; CCMKIT_PASSPHRASE opens it again when it is read.
export CCMKIT_OUT_PASSWORD="demo passphrase $(date +%s)"
export CCMKIT_PASSPHRASE="$CCMKIT_OUT_PASSWORD"
"$CCMKIT" key generate --algorithm EC384 --encrypt -o sub-ca.key
ls -l sub-ca.key | awk '{print "    mode " $1 "  " $NF}'
head -1 sub-ca.key

echo
echo "--- 2. Its CSR, with CCM's DN field names, requesting a CA with path length 0"
cat > sub-ca-dn.json <<'JSON'
{"common_name": "Example Issuing CA 1", "country": "CN", "organization": "Example Ltd", "organizational_unit": "PKI"}
JSON
"$CCMKIT" csr create --key sub-ca.key --subject-json sub-ca-dn.json --ca --path-length 0 --hash SHA384 -o sub-ca.csr
openssl req -in sub-ca.csr -verify -noout 2>&1 | sed 's/^/    openssl: /'

echo
echo "--- 3. The PCA \"issue a certificate via CSR\" body (POST /v1/private-certificates/csr)"
"$CCMKIT" csr create --key sub-ca.key --subject-json sub-ca-dn.json --ca --path-length 0 --hash SHA384 \
  --body pca-issue --issuer-id 2cb2878b-6cd1-460d-bd25-afe655159bdc --validity YEAR:5 -o issue.json
cut -c1-110 issue.json

echo
echo "--- 4. That body's pre-flight (exit 0 = CCM would accept it)"
"$CCMKIT" validate pca-issue-csr issue.json --json

echo
echo "--- 5. The same body with a 30-year validity and path length 9: what CCM would answer"
python3 -c 'import json; b = json.load(open("issue.json")); b["validity"]["value"] = 30; b["path_length"] = 9; json.dump(b, open("bad-issue.json", "w"))'
"$CCMKIT" validate pca-issue-csr bad-issue.json || echo "    (exit $? : rejected)"

echo
echo "--- 6. A server CSR too long for SCM's 2555-character csr limit (RSA4096, 20 SANs)"
"$CCMKIT" key generate --algorithm RSA4096 -o web-rsa.key >/dev/null
sans=(); for i in $(seq 1 20); do sans+=(--san "DNS:service-$i.a-long-department.example.com"); done
"$CCMKIT" csr create --key web-rsa.key --cn www.example.com "${sans[@]}" --body scm-upload --name web-2026 2>&1 || echo "    (exit $? : not printed)"
"$CCMKIT" key generate --algorithm EC384 -o web-ec.key >/dev/null
"$CCMKIT" csr create --key web-ec.key --cn www.example.com "${sans[@]}" --body scm-upload --name web-2026 -o upload.json
"$CCMKIT" validate scm-upload-csr upload.json
