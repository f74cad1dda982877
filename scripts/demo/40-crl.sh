#!/usr/bin/env bash
# DEMO: CRLs with CCM revocation reasons: build, inspect, check, delta
set -euo pipefail
d="$DEMO_DIR/crl"
mkdir -p "$d"
cd "$d"

echo "-- an offline CA (openssl, EC P-256, keyUsage keyCertSign+cRLSign) and two certificates it issued"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -subj "/O=ccmkit demo/CN=Demo Private CA" -days 3650 \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
for n in lost kept; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key -subj "/CN=$n.example.com" 2>/dev/null |
    openssl x509 -req -CA ca.pem -CAkey ca.key -CAcreateserial -days 365 -out $n.pem 2>/dev/null
done
lost=$(openssl x509 -in lost.pem -noout -serial | cut -d= -f2)
echo "   lost.pem serial $lost (its key leaked), kept.pem serial $(openssl x509 -in kept.pem -noout -serial | cut -d= -f2)"

echo
echo "-- revoked.csv: serial as openssl prints it, ISO 8601 or CCM epoch-ms date, CCM reason name"
cat > revoked.csv <<CSV
serial,revoked_at,reason
$lost,$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ),KEY_COMPROMISE
0F:A0:11,$(( ($(date +%s) - 86400 * 3) * 1000 )),SUPERSEDED
0FA012,$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ),CERTIFICATE_HOLD
0FA013,$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ),
CSV
cat revoked.csv

echo
echo "\$ ccmkit crl build --ca-cert ca.pem --ca-key ca.key --revoked revoked.csv --crl-number 1 --valid-days 7 -o ca.crl"
"$CCMKIT" crl build --ca-cert ca.pem --ca-key ca.key --revoked revoked.csv --crl-number 1 --valid-days 7 -o ca.crl

echo
echo "\$ ccmkit crl inspect ca.crl --ca-cert ca.pem"
"$CCMKIT" crl inspect ca.crl --ca-cert ca.pem

echo
echo "-- OpenSSL agrees: the CRL verifies, and -crl_check refuses the revoked certificate"
openssl crl -in ca.crl -CAfile ca.pem -verify -noout 2>&1
openssl verify -crl_check -CAfile ca.pem -CRLfile ca.crl lost.pem 2>&1 | grep -E "revoked|OK" | head -2 || true
openssl verify -crl_check -CAfile ca.pem -CRLfile ca.crl kept.pem

echo
echo "\$ ccmkit crl check --crl ca.crl --certificate lost.pem   (exit 1 = revoked)"
"$CCMKIT" crl check --crl ca.crl --certificate lost.pem --ca-cert ca.pem && echo "exit 0" || echo "exit $?"
echo "\$ ccmkit crl check --crl ca.crl --certificate kept.pem   (exit 0 = not revoked)"
"$CCMKIT" crl check --crl ca.crl --certificate kept.pem --ca-cert ca.pem && echo "exit 0" || echo "exit $?"

echo
echo "-- a day later: 0FA012 comes off hold, 0FA014 is revoked; the delta CRL against CRL #1"
grep -v '^0FA012' revoked.csv > revoked2.csv
echo "0FA014,$(date -u +%Y-%m-%dT%H:%M:%SZ),CESSATION_OF_OPERATION" >> revoked2.csv
"$CCMKIT" crl build --ca-cert ca.pem --ca-key ca.key --revoked revoked2.csv --crl-number 2 --valid-days 7 --base-crl ca.crl -o delta.crl
"$CCMKIT" crl inspect delta.crl --ca-cert ca.pem

echo
echo "-- bad input is refused with CCM error codes, and nothing is written"
printf '0FA0,2025-01-01T00:00:00Z,KEY_COMPROMISE\n0fa0,2025-01-02T00:00:00Z,SUPERSEDED\n00,2025-01-01T00:00:00Z,\n01,2025-01-01T00:00:00Z,LOST_IT\n' > bad.csv
"$CCMKIT" crl build --ca-cert ca.pem --ca-key kept.key --revoked bad.csv --crl-number 3 --valid-days 45 -o bad.crl 2>&1 || echo "exit $?"
[ -e bad.crl ] && echo "bad.crl exists (unexpected)" || echo "bad.crl was not written"
