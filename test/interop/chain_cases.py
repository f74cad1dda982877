"""Generates chain-validation cases for test/interop/chain-judges.test.ts, and
judges each with pyca/cryptography's verifier (PolicyBuilder).

Usage: python3 chain_cases.py OUTDIR

Writes OUTDIR/cases.json: a list of cases, each with the PEMs (trusted roots,
untrusted intermediates, the leaf, CRLs), the validation parameters, the
verdict ccmkit must give, and pyca's verdict. Certificates are made with pyca;
the few things pyca refuses to make (serial 0, negative or 22-octet serials,
SHA-1 signatures) are made by the openssl CLI. Everything is generated at test
time, valid around the reference instant REF, so nothing committed expires.
"""

import datetime
import ipaddress
import json
import os
import subprocess
import sys
import warnings

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509 import verification as v

# Negative and zero serials are made on purpose; pyca warns when it reads them back.
warnings.filterwarnings("ignore", message="Parsed a serial number")

REF = datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc)
NB = REF - datetime.timedelta(days=365)
NA = REF + datetime.timedelta(days=3650)
OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)

_serial = [1000]


def serial():
    _serial[0] += 1
    return _serial[0]


def name(cn, o="ccmkit judges"):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, o), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def eckey():
    return ec.generate_private_key(ec.SECP256R1())


class CA:
    def __init__(self, cert, key):
        self.cert = cert
        self.key = key


def build(subject, key, issuer=None, *, ca=False, ski=True, aki=True, ku=True, eku=None, san=None, san_critical=False,
          extra=(), bc=True, bc_ca=None, hash_alg=None, issuer_name=None, pathlen=None):
    """One certificate. `issuer` None: self-signed. `extra`: (extension, critical) pairs."""
    pub = key.public_key()
    signer = issuer.key if issuer else key
    iname = issuer_name or (issuer.cert.subject if issuer else subject)
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(iname).public_key(pub)
         .serial_number(serial()).not_valid_before(NB).not_valid_after(NA))
    if bc:
        b = b.add_extension(x509.BasicConstraints(ca=ca if bc_ca is None else bc_ca, path_length=pathlen if ca else None), critical=True)
    if ku:
        if ca:
            b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        else:
            b = b.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
    if ski:
        b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
    if aki:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False)
    if eku is not None:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if san is not None:
        b = b.add_extension(x509.SubjectAlternativeName(san), critical=san_critical)
    for e, crit in extra:
        b = b.add_extension(e, critical=crit)
    return b.sign(signer, hash_alg or hashes.SHA256())


def root(cn="Judges Root", key=None, **kw):
    k = key or eckey()
    return CA(build(name(cn), k, ca=True, **kw), k)


def inter(parent, cn="Judges Intermediate", key=None, **kw):
    k = key or eckey()
    return CA(build(name(cn), k, parent, ca=True, **kw), k)


SERVER = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
HOST = "leaf.example.com"


def leaf(parent, cn=HOST, san=None, key=None, eku=SERVER, **kw):
    k = key or eckey()
    if san is None:
        san = [x509.DNSName(HOST)]
    return build(name(cn), k, parent, eku=eku, san=san, **kw)


def raw_ext(oid, der):
    return x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), der)


# ---- DER helpers for what pyca will not build (malformed constraints) ----
def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    lb = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(lb)]) + lb + body


def nc_raw(permitted=(), excluded=()):
    """NameConstraints from raw GeneralName TLVs."""
    def subtrees(tag, names):
        return tlv(tag, b"".join(tlv(0x30, g) for g in names)) if names else b""
    return tlv(0x30, subtrees(0xA0, permitted) + subtrees(0xA1, excluded))


def openssl_sign(leaf_key, subject_cn, parent, set_serial, digest="sha256", ca=False):
    """Issues a leaf (or a CA) with the openssl CLI (serials and digests pyca refuses): pyca makes
    it self-signed with the usual extensions, `openssl x509 -CA` re-issues it from `parent`."""
    d = os.path.join(OUT, "openssl-tmp")
    os.makedirs(d, exist_ok=True)
    p = lambda n: os.path.join(d, n)
    pre = build(name(subject_cn), leaf_key, None, ca=True, aki=False) if ca else build(name(subject_cn), leaf_key, None, eku=SERVER, san=[x509.DNSName(HOST)], aki=False)
    with open(p("pre.pem"), "w") as f:
        f.write(pem(pre))
    with open(p("ca.key"), "wb") as f:
        f.write(parent.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with open(p("ca.pem"), "w") as f:
        f.write(pem(parent.cert))
    with open(p("ext.cnf"), "w") as f:
        f.write("authorityKeyIdentifier=keyid\n")
    subprocess.run(["openssl", "x509", "-in", p("pre.pem"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-preserve_dates",
                    "-set_serial", str(set_serial), f"-{digest}", "-extfile", p("ext.cnf"), "-out", p("leaf.pem")], check=True, capture_output=True)
    with open(p("leaf.pem")) as f:
        return x509.load_pem_x509_certificate(f.read().encode())


cases = []


def case(id, desc, expect, trusted, leaf_cert, untrusted=(), *, host=HOST, ip=None, purpose=None, profile="rfc5280",
         kind=None, openssl=None, pyca=None, crls=(), max_depth=None):
    """`expect`: ccmkit's verdict ('ok'/'fail'); `kind`: the problem kind ccmkit must name;
    `openssl`/`pyca`: that judge's expected verdict when it differs from `expect`, as (verdict, why)."""
    c = {
        "id": id, "desc": desc, "expect": expect, "kind": kind, "profile": profile, "purpose": purpose,
        "host": host, "ip": ip, "max_depth": max_depth,
        "trusted": [pem(t.cert) for t in trusted],
        "untrusted": [pem(u.cert if isinstance(u, CA) else u) for u in untrusted],
        "leaf": pem(leaf_cert),
        "crls": [x.public_bytes(serialization.Encoding.PEM).decode() for x in crls],
        "openssl": openssl, "pyca_expect": pyca,
    }
    c["pyca"] = judge_pyca(trusted, untrusted, leaf_cert, host, ip, max_depth, purpose)
    cases.append(c)


def judge_pyca(trusted, untrusted, leaf_cert, host, ip, max_depth, purpose):
    try:
        store = v.Store([t.cert for t in trusted])
        b = v.PolicyBuilder().store(store).time(REF)
        if max_depth is not None:
            b = b.max_chain_depth(max_depth)
        inters = [u.cert if isinstance(u, CA) else u for u in untrusted]
        if purpose == "clientAuth" or (host is None and ip is None):
            b.build_client_verifier().verify(leaf_cert, inters)
        else:
            subject = v.IPAddress(ipaddress.ip_address(ip)) if ip else v.DNSName(host)
            b.build_server_verifier(subject).verify(leaf_cert, inters)
        return "ok"
    except Exception as e:  # noqa: BLE001 - any refusal is the judge's "fail"
        return "fail: " + str(e).replace("\n", " ")[:200]


def dns(s):
    return x509.DNSName(s)


def nc(permitted=None, excluded=None):
    return x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=excluded)


# ================= name constraints: every form, permitted and excluded =================
def nc_case(id, desc, expect, constraints, san, *, critical=True, host=HOST, ip=None, subject_cn=HOST, subject_o="ccmkit judges",
            openssl=None, pyca=None, profile="rfc5280", raw=None, kind="name-constraints"):
    r = root()
    ext = raw_ext("2.5.29.30", raw) if raw is not None else constraints
    i = inter(r, extra=[(ext, critical)])
    k = eckey()
    l = build(name(subject_cn, subject_o), k, i, eku=SERVER, san=san)
    case(id, desc, expect, [r], l, [i], host=host, ip=ip, kind=None if expect == "ok" else kind,
         openssl=openssl, pyca=pyca, profile=profile)


PYCA_SUBJECT_DN = ("ok", "pyca applies directoryName constraints to subjectAltNames only, not to the subject")
PYCA_NO_URI = ("fail", "pyca refuses URI constraints it does not evaluate")

nc_case("nc-dns-permitted-match", "DNS permitted example.com, SAN leaf.example.com", "ok", nc([dns("example.com")]), [dns(HOST)])
nc_case("nc-dns-permitted-mismatch", "DNS permitted example.org, SAN leaf.example.com", "fail", nc([dns("example.org")]), [dns(HOST)])
nc_case("nc-dns-permitted-label-boundary", "DNS permitted example.com does not cover notexample.com", "fail", nc([dns("example.com")]),
        [dns("leaf.notexample.com")], host="leaf.notexample.com", subject_cn="leaf.notexample.com")
nc_case("nc-dns-excluded-match", "DNS excluded leaf.example.com, SAN leaf.example.com", "fail", nc(None, [dns("leaf.example.com")]), [dns(HOST)])
nc_case("nc-dns-excluded-other", "DNS excluded bad.example.com, SAN leaf.example.com", "ok", nc(None, [dns("bad.example.com")]), [dns(HOST)])
nc_case("nc-dns-excluded-second-san", "DNS excluded bad.example.com hits the second SAN", "fail", nc(None, [dns("bad.example.com")]),
        [dns(HOST), dns("bad.example.com")])
nc_case("nc-dns-wildcard-permitted", "DNS permitted example.com, SAN *.example.com", "ok", nc([dns("example.com")]), [dns("*.example.com")],
        host="www.example.com", subject_cn="www.example.com",
        openssl=None)
nc_case("nc-dns-wildcard-excluded", "DNS excluded www.example.com, SAN *.example.com (the wildcard covers it)", "fail",
        nc(None, [dns("www.example.com")]), [dns("*.example.com")], host="api.example.com", subject_cn="api.example.com",
        openssl=("ok", "OpenSSL compares the wildcard SAN as a literal string"))
nc_case("nc-dns-leading-period", "malformed DNS constraint .example.com (RFC 5280: no leading period)", "fail", None, [dns(HOST)],
        raw=nc_raw([tlv(0x82, b".example.com")]),
        openssl=("ok", "OpenSSL reads a leading period in a DNS constraint as 'subdomains only'"))
nc_case("nc-dns-noncritical-rfc5280", "DNS permitted example.com, extension not critical: RFC 5280 requires critical", "fail",
        nc([dns("example.com")]), [dns(HOST)], critical=False, kind="profile",
        openssl=("ok", "OpenSSL does not require nameConstraints to be critical"), pyca=("ok", "pyca follows CA/B, which allows non-critical"))
nc_case("nc-dns-noncritical-webpki", "the same under webpki: allowed", "ok", nc([dns("example.com")]), [dns(HOST)], critical=False, profile="webpki")

IP4 = ipaddress.ip_network("192.0.2.0/24")
nc_case("nc-ipv4-permitted-match", "IPv4 permitted 192.0.2.0/24, SAN 192.0.2.10", "ok", nc([x509.IPAddress(IP4)]),
        [x509.IPAddress(ipaddress.ip_address("192.0.2.10"))], host=None, ip="192.0.2.10", subject_cn="192.0.2.10")
nc_case("nc-ipv4-permitted-mismatch", "IPv4 permitted 192.0.2.0/24, SAN 198.51.100.1", "fail", nc([x509.IPAddress(IP4)]),
        [x509.IPAddress(ipaddress.ip_address("198.51.100.1"))], host=None, ip="198.51.100.1", subject_cn="198.51.100.1")
nc_case("nc-ipv4-excluded-match", "IPv4 excluded 10.0.0.0/8, SAN 10.1.2.3", "fail", nc(None, [x509.IPAddress(ipaddress.ip_network("10.0.0.0/8"))]),
        [x509.IPAddress(ipaddress.ip_address("10.1.2.3"))], host=None, ip="10.1.2.3", subject_cn="10.1.2.3")
nc_case("nc-ipv4-excluded-other", "IPv4 excluded 10.0.0.0/8, SAN 192.0.2.1", "ok", nc(None, [x509.IPAddress(ipaddress.ip_network("10.0.0.0/8"))]),
        [x509.IPAddress(ipaddress.ip_address("192.0.2.1"))], host=None, ip="192.0.2.1", subject_cn="192.0.2.1")
nc_case("nc-ipv6-permitted-match", "IPv6 permitted 2001:db8::/32, SAN 2001:db8::1", "ok", nc([x509.IPAddress(ipaddress.ip_network("2001:db8::/32"))]),
        [x509.IPAddress(ipaddress.ip_address("2001:db8::1"))], host=None, ip="2001:db8::1", subject_cn="ipv6 leaf")
nc_case("nc-ipv6-excluded-match", "IPv6 excluded 2001:db8:bad::/48, SAN 2001:db8:bad::1", "fail",
        nc(None, [x509.IPAddress(ipaddress.ip_network("2001:db8:bad::/48"))]),
        [x509.IPAddress(ipaddress.ip_address("2001:db8:bad::1"))], host=None, ip="2001:db8:bad::1", subject_cn="ipv6 leaf")
nc_case("nc-ipv6-name-v4-range", "only IPv4 ranges permitted, SAN is IPv6: outside", "fail", nc([x509.IPAddress(IP4)]),
        [x509.IPAddress(ipaddress.ip_address("2001:db8::1"))], host=None, ip="2001:db8::1", subject_cn="ipv6 leaf")
nc_case("nc-ip-not-cidr", "malformed IP constraint (4 octets, no mask)", "fail", None,
        [x509.IPAddress(ipaddress.ip_address("192.0.2.1"))], host=None, ip="192.0.2.1", subject_cn="192.0.2.1",
        raw=nc_raw([tlv(0x87, bytes([192, 0, 2, 1]))]),
        openssl=("fail", None))
nc_case("nc-ip-dns-only-san", "IP constraint, SAN only a DNS name: not constrained", "ok", nc([x509.IPAddress(IP4)]), [dns(HOST)])

DN_OK = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Acme")])
nc_case("nc-dn-permitted-match", "directoryName permitted O=Acme, subject O=Acme, CN=...", "ok", nc([x509.DirectoryName(DN_OK)]), [dns(HOST)],
        subject_o="Acme")
nc_case("nc-dn-permitted-mismatch", "directoryName permitted O=Acme, subject O=Other", "fail", nc([x509.DirectoryName(DN_OK)]), [dns(HOST)],
        subject_o="Other", pyca=PYCA_SUBJECT_DN)
nc_case("nc-dn-excluded-match", "directoryName excluded O=Acme, subject O=Acme", "fail", nc(None, [x509.DirectoryName(DN_OK)]), [dns(HOST)],
        subject_o="Acme", pyca=PYCA_SUBJECT_DN)
nc_case("nc-dn-excluded-san", "directoryName excluded O=Bad, a directoryName SAN O=Bad", "fail",
        nc(None, [x509.DirectoryName(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bad")]))]),
        [dns(HOST), x509.DirectoryName(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bad"), x509.NameAttribute(NameOID.COMMON_NAME, "x")]))],
        )

nc_case("nc-email-domain-match", "rfc822Name permitted .example.com, SAN a@mail.example.com", "ok", nc([x509.RFC822Name(".example.com")]),
        [dns(HOST), x509.RFC822Name("a@mail.example.com")])
nc_case("nc-email-host-mismatch", "rfc822Name permitted example.com, SAN a@other.com", "fail", nc([x509.RFC822Name("example.com")]),
        [dns(HOST), x509.RFC822Name("a@other.com")])
nc_case("nc-email-mailbox-excluded", "rfc822Name excluded bad@example.com, SAN bad@example.com", "fail", nc(None, [x509.RFC822Name("bad@example.com")]),
        [dns(HOST), x509.RFC822Name("bad@example.com")])
nc_case("nc-email-mailbox-other", "rfc822Name excluded bad@example.com, SAN good@example.com", "ok", nc(None, [x509.RFC822Name("bad@example.com")]),
        [dns(HOST), x509.RFC822Name("good@example.com")])

nc_case("nc-uri-domain-match", "URI permitted .example.com, SAN https://api.example.com/x", "ok", nc([x509.UniformResourceIdentifier(".example.com")]),
        [dns(HOST), x509.UniformResourceIdentifier("https://api.example.com/x")], pyca=PYCA_NO_URI)
nc_case("nc-uri-host-mismatch", "URI permitted host.example.com, SAN https://other.example.com/", "fail",
        nc([x509.UniformResourceIdentifier("host.example.com")]),
        [dns(HOST), x509.UniformResourceIdentifier("https://other.example.com/")], pyca=PYCA_NO_URI)
nc_case("nc-uri-excluded", "URI excluded .bad.com, SAN https://x.bad.com:8443/p", "fail", nc(None, [x509.UniformResourceIdentifier(".bad.com")]),
        [dns(HOST), x509.UniformResourceIdentifier("https://x.bad.com:8443/p")], pyca=PYCA_NO_URI)

ON = x509.ObjectIdentifier("1.3.6.1.4.1.55738.666.3")
nc_case("nc-othername-fail-closed", "otherName constraint and an otherName SAN: ccmkit cannot evaluate it, so it refuses", "fail",
        nc([dns("example.com")], [x509.OtherName(ON, b"\x05\x00")]), [dns(HOST), x509.OtherName(ON, b"\x05\x00")])
nc_case("nc-othername-noop", "otherName constraint, no otherName in the certificate: ignored", "ok",
        nc([dns("example.com")], [x509.OtherName(ON, b"\x05\x00")]), [dns(HOST)])


def nested():
    r = root(extra=[(nc([dns("example.com")]), True)])
    i = inter(r, extra=[(nc([dns("a.example.com")]), True)])
    l = leaf(i, cn="www.b.example.com", san=[dns("www.b.example.com")])
    case("nc-nested-narrowing", "root permits example.com, intermediate only a.example.com; leaf www.b.example.com", "fail", [r], l, [i],
         host="www.b.example.com", kind="name-constraints")
    i2 = inter(r, cn="Judges Intermediate 2", extra=[(nc([dns("b.example.com")]), True)])
    l2 = leaf(i2, cn="www.b.example.com", san=[dns("www.b.example.com")])
    case("nc-nested-ok", "root permits example.com, intermediate b.example.com; leaf www.b.example.com", "ok", [r], l2, [i2], host="www.b.example.com")
    # The root's constraints bind the intermediates' own SANs too.
    i3 = inter(r, cn="Judges Intermediate 3", san=[dns("ica.example.org")])
    l3 = leaf(i3)
    case("nc-root-binds-intermediate", "root permits example.com; an intermediate with SAN ica.example.org", "fail", [r], l3, [i3], kind="name-constraints")
    # Self-issued intermediates are exempt (RFC 5280 6.1.4 (g)): a key rollover under the same name.
    rk = eckey()
    rr = CA(build(name("Judges SI Root"), rk, ca=True, extra=[(nc([dns("example.com")]), True)]), rk)
    ik = eckey()
    si = CA(build(name("Judges SI Root"), ik, rr, ca=True, san=[dns("not-example.org")]), ik)
    l4 = leaf(si)
    case("nc-self-issued-exempt", "root permits example.com; a self-issued re-keyed CA with SAN not-example.org is exempt", "ok", [rr], l4, [si])


nested()


# ================= one case per rule: a valid twin and a break of that rule only =================
def rule_case(id, desc, expect, kind, *, trusted, leaf_cert, untrusted=(), **kw):
    case(id, desc, expect, trusted, leaf_cert, untrusted, kind=kind, **kw)


NO_CRL = ("ok", "pyca's verifier takes no CRLs")
NO_BACKTRACK = ("fail", "OpenSSL builds one path (the first candidate listed) and does not try the other after a failure, as BetterTLS pathbuilding reports")


def rules():
    r = root()
    i = inter(r)
    rule_case("base-ok", "the valid twin: root -> intermediate -> leaf", "ok", None, trusted=[r], leaf_cert=leaf(i), untrusted=[i])
    rule_case("base-ok-webpki", "the valid twin under webpki", "ok", None, trusted=[r], leaf_cert=leaf(i), untrusted=[i], profile="webpki")

    # EKU
    rule_case("eku-empty", "leaf with an empty extendedKeyUsage", "fail", "profile", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, eku=None, extra=[(raw_ext("2.5.29.37", b"\x30\x00"), False)]),
              openssl=("fail", None), pyca=("fail", None))
    rule_case("eku-clientauth-only", "leaf EKU clientAuth only, validated for serverAuth", "fail", "extended-key-usage", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, eku=[ExtendedKeyUsageOID.CLIENT_AUTH]))
    ie = inter(r, cn="Judges Email CA", extra=[(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)])
    rule_case("eku-ca-email-only", "every path crosses a CA whose EKU is emailProtection only; validated for serverAuth", "fail", "extended-key-usage",
              trusted=[r], untrusted=[ie], leaf_cert=leaf(ie))
    rule_case("eku-ca-email-only-any", "the same chain for purpose any", "ok", None, trusted=[r], untrusted=[ie], leaf_cert=leaf(ie), host=None, purpose="any",
              openssl=("fail", "openssl verify is always run with -purpose sslserver here"), pyca=("fail", "pyca's client verifier requires clientAuth on every CA EKU"))
    # The same CA (name and key) certified twice: once with an email-only EKU, once without EKU. A clean path exists.
    ek = eckey()
    e_bad = CA(build(name("Judges Dual CA"), ek, r, ca=True, extra=[(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)]), ek)
    e_good = CA(build(name("Judges Dual CA"), ek, r, ca=True), ek)
    l_dual = leaf(e_good)
    rule_case("eku-one-path-of-two", "one path crosses an emailProtection-only CA, the other does not: valid for serverAuth", "ok", None,
              trusted=[r], untrusted=[e_bad, e_good], leaf_cert=l_dual, openssl=NO_BACKTRACK)
    rule_case("eku-every-path", "every path crosses an emailProtection-only CA", "fail", "extended-key-usage", trusted=[r], untrusted=[e_bad], leaf_cert=l_dual)
    isrv = inter(r, cn="Judges TLS CA", extra=[(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)])
    rule_case("eku-ca-serverauth", "a CA whose EKU is serverAuth: fine for serverAuth", "ok", None, trusted=[r], untrusted=[isrv], leaf_cert=leaf(isrv))

    # SHA-1: every path crosses an ecdsa-with-SHA1 signature
    l_sha1 = openssl_sign(eckey(), HOST, i, 4242, digest="sha1")
    rule_case("sha1-leaf-signature", "leaf signed with ecdsa-with-SHA1", "fail", "weak-algorithm", trusted=[r], untrusted=[i], leaf_cert=l_sha1,
              pyca=("fail", None))
    # Two certificates for one CA (same name and key): one signed with SHA-1, one with SHA-256. A path exists that avoids SHA-1.
    alt_key = eckey()
    alt_sha1 = openssl_sign(alt_key, "Judges Alt CA", r, 4343, digest="sha1", ca=True)
    alt_good = CA(build(name("Judges Alt CA"), alt_key, r, ca=True), alt_key)
    l_alt = leaf(alt_good)
    rule_case("sha1-one-path-of-two", "one path crosses a SHA-1 signature, the other does not: valid", "ok", None, trusted=[r],
              untrusted=[alt_sha1, alt_good], leaf_cert=l_alt, openssl=NO_BACKTRACK)
    rule_case("sha1-every-path", "every path crosses a SHA-1 signature", "fail", "weak-algorithm", trusted=[r], untrusted=[alt_sha1], leaf_cert=l_alt,
              pyca=("fail", None))

    # Misplaced extensions
    rule_case("nc-in-ee-critical", "nameConstraints (critical) in an end-entity certificate", "fail", "profile", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, extra=[(nc([dns("example.com")]), True)]), openssl=("ok", "OpenSSL does not refuse nameConstraints in a leaf"))
    rule_case("nc-in-ee-noncritical", "nameConstraints (non-critical) in an end-entity certificate", "fail", "profile", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, extra=[(nc([dns("example.com")]), False)]), openssl=("ok", "OpenSSL does not refuse nameConstraints in a leaf"))
    ipc = inter(r, cn="Judges PC CA", extra=[(x509.PolicyConstraints(require_explicit_policy=3, inhibit_policy_mapping=None), False)])
    rule_case("pc-noncritical", "policyConstraints not critical in an intermediate", "fail", "profile", trusted=[r], untrusted=[ipc], leaf_cert=leaf(ipc),
              openssl=("ok", "OpenSSL does not check the criticality of policyConstraints"), pyca=("ok", "pyca ignores non-critical extensions it does not police"))
    ica_leaf = inter(r, cn="Judges CA Leaf", san=[dns(HOST)])
    rule_case("ca-as-leaf-rfc5280", "a CA certificate as the leaf: RFC 5280 allows it", "ok", None, trusted=[r], leaf_cert=ica_leaf.cert,
              openssl=("fail", "-purpose sslserver refuses a CA leaf without serverAuth EKU"), pyca=("fail", "pyca applies CA/B rules to the leaf"))
    rule_case("ca-as-leaf-webpki", "a CA certificate as the leaf under webpki", "fail", "webpki", trusted=[r], leaf_cert=ica_leaf.cert, profile="webpki",
              openssl=("fail", None))
    rule_case("leaf-ca-true-webpki", "a leaf with basicConstraints cA=TRUE (keyCertSign clear) under webpki", "fail", "webpki", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, bc_ca=True), profile="webpki", openssl=("ok", "OpenSSL does not check cA in the leaf"))

    # Serials (made by openssl: pyca refuses them)
    for sid, sval in (("zero", 0), ("negative", -5), ("too-long", "0x7f" + "11" * 21)):
        lc = openssl_sign(eckey(), HOST, i, sval)
        rule_case(f"serial-{sid}", f"leaf serial {sid}", "fail", "profile", trusted=[r], untrusted=[i], leaf_cert=lc,
                  openssl=("ok", "OpenSSL does not police serial numbers in verify"), pyca=("ok", "pyca allows serial 0") if sid == "zero" else None)

    rule_case("san-underscore", "an underscore in a DNS SAN", "fail", "profile", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, san=[dns(HOST), dns("foo_bar.example.com")]),
              openssl=("ok", "OpenSSL does not check SAN syntax"), pyca=("ok", "pyca matches the requested name and ignores the other SAN"))
    rule_case("empty-subject-noncritical-san", "empty subject with a non-critical SAN", "fail", "profile", trusted=[r], untrusted=[i],
              leaf_cert=build(x509.Name([]), eckey(), i, eku=SERVER, san=[dns(HOST)]),
              )

    # webpki
    for kid, key, why in (("p192", ec.generate_private_key(ec.SECP192R1()), "P-192"), ("dsa", dsa.generate_private_key(2048), "DSA"),
                          ("rsa1024", rsa.generate_private_key(65537, 1024), "RSA 1024"), ("rsa2052", rsa.generate_private_key(65537, 2052), "RSA 2052")):
        rule_case(f"webpki-key-{kid}", f"leaf key {why} under webpki", "fail", "webpki", trusted=[r], untrusted=[i],
                  leaf_cert=leaf(i, key=key), profile="webpki",
                  openssl=("ok", "OpenSSL level 1 allows it") if kid != "rsa1024" else ("ok", "OpenSSL level 1 allows RSA 1024"),
                  pyca=("ok", "pyca checks the key type and size of issuers only, not of the leaf"))
    rk = eckey()
    rnokid = CA(build(name("Judges AKI Root"), rk, ca=True, aki=False,
                      extra=[(x509.AuthorityKeyIdentifier(key_identifier=None, authority_cert_issuer=None, authority_cert_serial_number=None), False)]), rk)
    rule_case("webpki-root-aki-no-keyid", "root AKI without keyIdentifier", "fail", "webpki", trusted=[rnokid], leaf_cert=leaf(rnokid), profile="webpki",
              openssl=("ok", "OpenSSL does not apply CA/B rules"))
    rk2 = eckey()
    kid2 = x509.AuthorityKeyIdentifier.from_issuer_public_key(rk2.public_key()).key_identifier
    rall = CA(build(name("Judges AKI Root 2"), rk2, ca=True, aki=False,
                    extra=[(x509.AuthorityKeyIdentifier(kid2, [x509.DirectoryName(name("x"))], 1234), False)]), rk2)
    rule_case("webpki-root-aki-issuer-serial", "root AKI with authorityCertIssuer and serial", "fail", "webpki", trusted=[rall], leaf_cert=leaf(rall),
              profile="webpki", pyca=("ok", "pyca does not apply the CA/B AKI rule to trust anchors"))
    rule_case("webpki-cn-not-san", "CN is not one of the SANs", "fail", "webpki", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, cn="other.example.com"), profile="webpki", openssl=("ok", "OpenSSL does not apply CA/B rules"),
              pyca=("ok", "pyca does not compare CN and SAN"))
    rule_case("webpki-wildcard-public-suffix", "wildcard *.co.uk over a public suffix", "fail", "webpki", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, cn="*.co.uk", san=[dns("*.co.uk")]), host="foo.co.uk", profile="webpki",
              openssl=("ok", "OpenSSL matches the wildcard"), pyca=("ok", "pyca has no public suffix list"))
    rule_case("webpki-critical-san", "critical SAN with a non-empty subject", "fail", "webpki", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, san_critical=True), profile="webpki", openssl=("ok", "OpenSSL does not apply CA/B rules"))
    rule_case("webpki-empty-aia", "empty authorityInfoAccess", "fail", "profile", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, extra=[(raw_ext("1.3.6.1.5.5.7.1.1", b"\x30\x00"), False)]), profile="webpki",
              openssl=("ok", "openssl verify does not parse authorityInfoAccess"), pyca=("ok", "pyca checks only the criticality of authorityInfoAccess"))
    rule_case("webpki-no-eku", "leaf without EKU under webpki", "fail", "webpki", trusted=[r], untrusted=[i], leaf_cert=leaf(i, eku=None), profile="webpki",
              openssl=("ok", "OpenSSL reads a missing EKU as any"), pyca=("ok", "pyca treats a missing EKU as any"))
    rule_case("rfc5280-no-eku", "leaf without EKU under rfc5280: allowed", "ok", None, trusted=[r], untrusted=[i], leaf_cert=leaf(i, eku=None))
    rule_case("ku-no-bit", "leaf keyUsage with no bit set (an RSA leaf, as x509-limbo webpki::ku)", "fail", "profile", trusted=[r], untrusted=[i],
              leaf_cert=leaf(i, key=rsa.generate_private_key(65537, 2048), ku=False,
                             extra=[(x509.KeyUsage(False, False, False, False, False, False, False, False, False), True)]),
              pyca=("ok", "pyca checks only keyCertSign in a leaf's keyUsage"))

    # AKI: chain building needs only name and signature, but RFC 5280 4.2.1.1 requires the keyIdentifier outside
    # self-signed certificates, and x509-limbo (rfc5280::aki::intermediate-missing-aki, in limbo-open) expects a failure.
    i_noaki = inter(r, cn="Judges No-AKI CA", aki=False)
    rule_case("intermediate-missing-aki", "an intermediate without authorityKeyIdentifier (x509-limbo: must fail)", "fail", "profile",
              trusted=[r], untrusted=[i_noaki], leaf_cert=leaf(i_noaki), pyca=("ok", "pyca makes AKI optional in CA certificates"))
    rule_case("intermediate-missing-aki-no-profile", "the same without profile rules: it chains by name and signature", "ok", None,
              trusted=[r], untrusted=[i_noaki], leaf_cert=leaf(i_noaki), profile=None,
              openssl=("fail", "-x509_strict requires the AKI, as the rfc5280 profile does"))

    # Chains that must pass: a CA re-keyed under its own name does not count towards the depth limit.
    rr = root(cn="Judges Depth Root")
    i1 = inter(rr, cn="Judges Depth CA")
    nk = eckey()
    i1b = CA(build(name("Judges Depth CA"), nk, i1, ca=True), nk)
    rule_case("self-issued-depth", "root -> CA -> CA re-keyed (self-issued) -> leaf, max depth 1", "ok", None, trusted=[rr],
              untrusted=[i1, i1b], leaf_cert=leaf(i1b), max_depth=1,
              openssl=("fail", "-verify_depth counts self-issued certificates"), pyca=("fail", "pyca counts self-issued CAs against max_chain_depth"))

    # CRLs
    r1 = root(cn="Judges CRL Root 1")
    r2 = root(cn="Judges CRL Root 2")
    l1 = leaf(r1)
    def crl_of(issuer_name, signer, number=True, revoked=(), idp=None):
        b = x509.CertificateRevocationListBuilder().issuer_name(issuer_name).last_update(REF - datetime.timedelta(days=1)).next_update(REF + datetime.timedelta(days=30))
        if idp is not None:
            b = b.add_extension(idp, critical=True)
        if number:
            b = b.add_extension(x509.CRLNumber(7), critical=False)
        for s in revoked:
            b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(s).revocation_date(REF - datetime.timedelta(days=2)).build())
        return b.sign(signer.key, hashes.SHA256())
    rule_case("crl-good", "a correctly signed CRL that does not list the leaf", "ok", None, trusted=[r1, r2], leaf_cert=l1, crls=[crl_of(r1.cert.subject, r1)])
    rule_case("crl-revoked", "a correctly signed CRL that lists the leaf", "fail", "revoked", trusted=[r1, r2], leaf_cert=l1,
              crls=[crl_of(r1.cert.subject, r1, revoked=[l1.serial_number])], pyca=NO_CRL)
    rule_case("crl-wrong-key", "a CRL with the root's name, signed by another root's key", "fail", "crl", trusted=[r1, r2], leaf_cert=l1,
              crls=[crl_of(r1.cert.subject, r2)], pyca=NO_CRL)
    rule_case("crl-no-crlnumber", "a correctly signed CRL without CRLNumber (x509-limbo crl::crlnumber-missing: must fail)", "fail", "crl",
              trusted=[r1, r2], leaf_cert=l1, crls=[crl_of(r1.cert.subject, r1, number=False)],
              openssl=("ok", "OpenSSL accepts a CRL without CRLNumber; x509-limbo and RFC 5280 5.2.3 do not"), pyca=NO_CRL)

    def idp(uri=None, only_ca=False):
        return x509.IssuingDistributionPoint(full_name=[x509.UniformResourceIdentifier(uri)] if uri else None, relative_name=None,
                                             only_contains_user_certs=False, only_contains_ca_certs=only_ca, only_some_reasons=None,
                                             indirect_crl=False, only_contains_attribute_certs=False)
    cdp = x509.CRLDistributionPoints([x509.DistributionPoint(full_name=[x509.UniformResourceIdentifier("http://crl.example.com/a.crl")],
                                                             relative_name=None, reasons=None, crl_issuer=None)])
    l_cdp = leaf(r1, extra=[(cdp, False)])
    rule_case("crl-idp-match", "the CRL's issuingDistributionPoint is the leaf's distribution point", "ok", None, trusted=[r1], leaf_cert=l_cdp,
              crls=[crl_of(r1.cert.subject, r1, idp=idp("http://crl.example.com/a.crl"))])
    rule_case("crl-idp-mismatch", "the only CRL is scoped to another distribution point: the leaf's status is unknown", "fail", "crl",
              trusted=[r1], leaf_cert=l_cdp, crls=[crl_of(r1.cert.subject, r1, idp=idp("http://crl.example.com/b.crl"))], pyca=NO_CRL)
    rule_case("crl-idp-only-ca", "the only CRL covers CA certificates only, the target is a leaf", "fail", "crl",
              trusted=[r1], leaf_cert=l1, crls=[crl_of(r1.cert.subject, r1, idp=idp(only_ca=True))], pyca=NO_CRL)


rules()

for c in cases:
    if c["pyca_expect"] is None:
        c["pyca_expect"] = [c["expect"], None]
with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(cases, f)
print(len(cases))
