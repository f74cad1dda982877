#!/usr/bin/env bash
# DEMO: chain build / chain verify: from an unordered bag to the chain CCM wants
set -euo pipefail
d="$DEMO_DIR/chain"
mkdir -p "$d"
cd "$d"

# A private PKI made by openssl: root -> intermediate -> www.demo.test, plus a
# distractor with the intermediate's name but another key, and an unrelated root.
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > ca.ext
printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:www.demo.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > leaf.ext
root() { ec "$1"; openssl req -x509 -new -key "$1.key" -subj "/O=Demo/CN=$2" -days 3650 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$1.pem"; }
sign() { ec "$1"; openssl req -new -key "$1.key" -subj "/O=Demo/CN=$2" -out "$1.csr"; openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days "$4" -extfile "$5" -out "$1.pem" 2>/dev/null; }
root root "Demo Root CA"
root other "Some Other Root"
sign int "Demo Issuing CA" root 1825 ca.ext
sign distractor "Demo Issuing CA" root 1825 ca.ext
sign leaf "www.demo.test" int 365 leaf.ext

# The bag, as users paste it: out of order, a duplicate, junk text between blocks.
{ echo "-- pasted from the CA's mail --"; cat root.pem distractor.pem; echo "(chain follows)"; cat int.pem other.pem leaf.pem leaf.pem; } > bag.pem
echo "The bag (bag.pem), in file order:"
awk '/BEGIN CERT/{c=""} {c=c $0 "\n"} /END CERT/{printf "%s", c | "openssl x509 -noout -subject"; close("openssl x509 -noout -subject")}' bag.pem | sed 's/^/  /'

echo
echo "\$ ccmkit chain build bag.pem > fullchain.pem"
"$CCMKIT" chain build bag.pem > fullchain.pem
echo "fullchain.pem, in output order (leaf, then each issuer):"
awk '/BEGIN CERT/{c=""} {c=c $0 "\n"} /END CERT/{printf "%s", c | "openssl x509 -noout -subject"; close("openssl x509 -noout -subject")}' fullchain.pem | sed 's/^/  /'

echo
echo "OpenSSL agrees: openssl verify -CAfile root.pem -untrusted int.pem leaf.pem"
openssl verify -CAfile root.pem -untrusted int.pem leaf.pem | sed 's/^/  /'

echo
echo "\$ ccmkit chain build --format ccm --no-root bag.pem   (the SCM import body fields)"
"$CCMKIT" chain build --format ccm --no-root bag.pem | cut -c1-150
echo "  ..."

echo
echo "Without the intermediate, ccmkit names what is missing (DN and authority key id):"
cat leaf.pem root.pem > gap.pem
echo "\$ ccmkit chain build --json gap.pem   (exit 1)"
set +e
"$CCMKIT" chain build --json gap.pem > gap.json; rc=$?
set -e
python3 -c 'import json,sys; r=json.load(open("gap.json")); print("  missing_issuers:", json.dumps(r["missing_issuers"])); print("  complete:", r["complete"])'
echo "  exit code: $rc"

echo
echo "\$ ccmkit chain verify leaf.pem --roots root.pem --untrusted int.pem --hostname www.demo.test"
"$CCMKIT" chain verify leaf.pem --roots root.pem --untrusted int.pem --hostname www.demo.test
echo "\$ ccmkit chain verify leaf.pem --roots root.pem --untrusted int.pem --hostname mail.demo.test   (exit 1)"
"$CCMKIT" chain verify leaf.pem --roots root.pem --untrusted int.pem --hostname mail.demo.test || true
echo "\$ ccmkit chain verify leaf.pem --roots other.pem --untrusted bag.pem   (exit 1: not our root)"
"$CCMKIT" chain verify leaf.pem --roots other.pem --untrusted bag.pem || true
