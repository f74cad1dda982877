#!/usr/bin/env bash
# DEMO: Foundation — parse a CSR as CCM does, match keys to certificates, inspect a bag
set -euo pipefail
cd "$DEMO_DIR"
say() { printf '\n$ %s\n' "$*"; }

# Sample data, made on the spot with openssl: an EC256 key + CSR, an RSA key + self-signed certificate,
# a CSR outside CCM's policy (RSA 1024, SHA-1), and one bag that mixes everything.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out web.key 2>/dev/null
openssl req -new -key web.key -subj "/C=CN/ST=Sichuan/L=Chengdu/O=Example Ltd/OU=IT/CN=www.example.com" \
  -addext "subjectAltName=DNS:www.example.com,DNS:example.com,IP:192.0.2.10" -out web.csr 2>/dev/null
openssl req -x509 -new -key web.key -subj "/CN=www.example.com" -days 30 -out web.crt 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out api.key 2>/dev/null
openssl req -x509 -new -key api.key -subj "/CN=api.example.com" -days 30 -out api.crt 2>/dev/null
openssl req -new -newkey rsa:1024 -nodes -keyout old.key -subj "/CN=legacy.example.com" -sha1 -out old.csr 2>/dev/null
cat api.crt web.key web.csr > bag.pem

say ccmkit csr parse web.csr
"$CCMKIT" csr parse web.csr

say "ccmkit csr parse --json web.csr   (CCM's Parsing-a-CSR response, plus ccmkit's additions)"
"$CCMKIT" csr parse --json web.csr | head -c 600; echo ' ...'

say "ccmkit csr parse old.csr   (outside CCM's policy: exit 1 with CCM's error codes and the fix)"
"$CCMKIT" csr parse old.csr || echo "(exit $?)"

say "ccmkit key match api.key web.crt bag.pem   (pairs by public key, whatever the files and order)"
"$CCMKIT" key match api.key web.crt bag.pem

say ccmkit inspect bag.pem
"$CCMKIT" inspect bag.pem

say "ccmkit csr parse api.crt   (not a CSR: a CCM-style error, exit 1)"
"$CCMKIT" csr parse api.crt || echo "(exit $?)"
