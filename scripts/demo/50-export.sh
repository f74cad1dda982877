#!/usr/bin/env bash
# DEMO: Export and convert — CCM's APACHE/NGINX/IIS/TOMCAT/OTHER bundles, and back again
set -euo pipefail
cd "$DEMO_DIR"
mkdir -p export-demo && cd export-demo
say() { printf '\n$ %s\n' "$*"; }

# Sample data, made on the spot with openssl: root CA -> intermediate CA -> www.shop.example (EC256).
cat > ca.ext <<'X'
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
X
cat > leaf.ext <<'X'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:www.shop.example
X
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -subj "/O=Demo/CN=Demo Root CA" -days 30 -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.crt 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout inter.key -subj "/O=Demo/CN=Demo Intermediate CA" -out inter.csr 2>/dev/null
openssl x509 -req -in inter.csr -CA root.crt -CAkey root.key -CAcreateserial -days 30 -extfile ca.ext -out inter.crt 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -subj "/O=Demo/CN=www.shop.example" -out server.csr 2>/dev/null
openssl x509 -req -in server.csr -CA inter.crt -CAkey inter.key -CAcreateserial -days 30 -extfile leaf.ext -out server.crt 2>/dev/null
cat root.crt inter.crt > unordered-chain.pem   # root first: ccmkit orders it

say "ccmkit export --type IIS --certificate server.crt --certificate-chain unordered-chain.pem --private-key server.key --name shop -o out"
"$CCMKIT" export --type IIS --certificate server.crt --certificate-chain unordered-chain.pem --private-key server.key --name shop -o out
ls -l out

say "unzip and let openssl read the PFX with the generated keystorePass.txt (3DES, SHA-1 MAC: Windows Server 2016 imports it)"
(mkdir -p iis && cd iis && unzip -o -q ../out/shop_iis.zip && openssl pkcs12 -info -in server.pfx -passin "pass:$(cat keystorePass.txt)" -noout 2>&1 | head -6)

say "ccmkit export --type TOMCAT ... --alias shop   (JKS, key password = store password, as Tomcat expects)"
"$CCMKIT" export --type TOMCAT --certificate server.crt --certificate-chain unordered-chain.pem --private-key server.key --name shop --alias shop -o out
if command -v keytool >/dev/null; then
  (mkdir -p tomcat && cd tomcat && unzip -o -q ../out/shop_tomcat.zip && keytool -list -keystore server.jks -storepass "$(cat keystorePass.txt)" 2>/dev/null | grep -E 'Keystore type|PrivateKeyEntry|entry')
fi

for t in APACHE NGINX OTHER; do
  say "ccmkit export --type $t ..."
  "$CCMKIT" export --type $t --certificate server.crt --certificate-chain unordered-chain.pem --private-key server.key --name shop -o out | head -4
done

say "CCMKIT_OUT_PASSWORD='Demo-Pass-1' ccmkit export --type NGINX ...   (server.key encrypted, no keystorePass.txt)"
CCMKIT_OUT_PASSWORD='Demo-Pass-1' "$CCMKIT" export --type NGINX --certificate server.crt --certificate-chain unordered-chain.pem --private-key server.key --name locked -o out | head -3
unzip -p out/locked_nginx.zip server.key | head -1

say "ccmkit export --type OTHER ... --format json   (CCM's non-compressed export body, \\r\\n line breaks)"
"$CCMKIT" export --type OTHER --certificate server.crt --certificate-chain unordered-chain.pem --private-key server.key --format json | head -c 300; echo ' ...'

say "ccmkit export --type IIS ... --format json   (CCM defines no JSON export for IIS/TOMCAT: a clear error, exit 1)"
"$CCMKIT" export --type IIS --certificate server.crt --private-key server.key --format json || echo "(exit $?)"

mkdir -p iis && (cd iis && unzip -o -q ../out/shop_iis.zip)
say 'ccmkit convert iis/server.pfx --passphrase-file iis/keystorePass.txt --to scm-import --name shop   (PFX back to an SCM import body)'
"$CCMKIT" convert iis/server.pfx --passphrase-file iis/keystorePass.txt --to scm-import --name shop | head -c 260; echo ' ...'

say "ccmkit convert out/shop_tomcat.zip --to pem -o back   (a CCM zip back to PEM; keystorePass.txt inside is used)"
"$CCMKIT" convert out/shop_tomcat.zip --to pem -o back
ls -l back
openssl verify -CAfile root.crt -untrusted back/chain.crt back/server.crt

say "CCMKIT_PASSPHRASE=wrong ccmkit convert iis/server.pfx --to pem -o nope   (wrong password: said so, nothing written)"
CCMKIT_PASSPHRASE=wrong "$CCMKIT" convert iis/server.pfx --to pem -o nope || echo "(exit $?)"
ls nope 2>/dev/null || echo "(no folder nope: nothing was written)"
