# The comparator for benchmarks/csr-parse-cli.ts: `ccmkit csr parse --json`
# written with pyca/cryptography, as a user would write it. Reads every file
# named on the command line (one or many PEM CSRs each), and prints one JSON
# line per CSR with the same fields and values as ccmkit: CCM's "Parsing a
# CSR" response (key_algorithm, key_algorithm_length, signature_algorithm,
# public_key as \r\n PEM, distinguished_name) plus ccm_key_algorithm, subject,
# SANs, key usage, EKU, basic constraints, signature_valid and the same policy
# findings (key algorithm, signature hash, DN lengths, PEM length). All output
# is written once at the end, as ccmkit does.
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtensionOID, NameOID

SHORT = {NameOID.COUNTRY_NAME: 'C', NameOID.STATE_OR_PROVINCE_NAME: 'ST', NameOID.LOCALITY_NAME: 'L', NameOID.ORGANIZATION_NAME: 'O',
         NameOID.ORGANIZATIONAL_UNIT_NAME: 'OU', NameOID.COMMON_NAME: 'CN'}
CCM_DN = {NameOID.COUNTRY_NAME: 'country', NameOID.STATE_OR_PROVINCE_NAME: 'state', NameOID.LOCALITY_NAME: 'locality',
          NameOID.ORGANIZATION_NAME: 'organization', NameOID.ORGANIZATIONAL_UNIT_NAME: 'organizational_unit', NameOID.COMMON_NAME: 'common_name'}
DN_LIMITS = {'common_name': (1, 64), 'country': (2, 2), 'state': (1, 128), 'locality': (1, 128), 'organization': (1, 64), 'organizational_unit': (1, 64)}
CURVES = {'secp256r1': ('P-256', 'EC256'), 'secp384r1': ('P-384', 'EC384'), 'secp521r1': ('P-521', None)}
BEGIN = b'-----BEGIN CERTIFICATE REQUEST-----'
END = b'-----END CERTIFICATE REQUEST-----'


def escape(v):
    out = ''.join('\\' + c if c in ',+"\\<>;=' else c for c in v)
    if out[:1] in (' ', '#'):
        out = '\\' + out
    if out.endswith(' '):
        out = out[:-1] + '\\ '
    return out


def pem_length(der_len):
    b64 = 4 * ((der_len + 2) // 3)
    return len(BEGIN) + 1 + b64 + (b64 + 63) // 64 + len(END) + 1


def report(source, pem):
    csr = x509.load_pem_x509_csr(pem)
    pk = csr.public_key()
    findings = []
    if isinstance(pk, rsa.RSAPublicKey):
        alg, bits = 'RSA', pk.key_size
        ccm = f'RSA{bits}' if bits in (2048, 4096) else None
        sig_name = csr.signature_hash_algorithm.name.upper() + 'withRSA'
    elif isinstance(pk, ec.EllipticCurvePublicKey):
        alg, bits = 'EC', pk.curve.key_size
        ccm = CURVES.get(pk.curve.name, (None, None))[1]
        sig_name = csr.signature_hash_algorithm.name.upper() + 'withECDSA'
    else:
        raise SystemExit('unexpected key type in the benchmark data')
    valid = csr.is_signature_valid
    if not valid:
        findings.append({'code': 'PCA.00020401', 'severity': 'error', 'field': 'csr', 'message': 'invalid signature'})
    if pem_length(len(csr.public_bytes(serialization.Encoding.DER))) > 5120:
        findings.append({'code': 'PCA.00020401', 'severity': 'error', 'field': 'csr', 'message': 'too long'})
    if ccm is None:
        findings.append({'code': 'PCA.00020102', 'severity': 'error', 'field': 'key_algorithm', 'message': 'unsupported key'})
    if csr.signature_hash_algorithm.name not in ('sha256', 'sha384', 'sha512'):
        findings.append({'code': 'PCA.00020103', 'severity': 'error', 'field': 'signature_algorithm', 'message': 'unsupported hash'})
    dn, parts = {}, []
    for rdn in csr.subject.rdns:
        attrs = []
        for a in rdn:
            attrs.append(f'{SHORT.get(a.oid, a.oid.dotted_string)}={escape(a.value)}')
            field = CCM_DN.get(a.oid)
            if field and field not in dn:
                dn[field] = a.value
        parts.append(' + '.join(attrs))
    for field, (lo, hi) in DN_LIMITS.items():
        if field in dn and not lo <= len(dn[field]) <= hi:
            findings.append({'code': 'PCA.00020101', 'severity': 'error', 'field': 'subject.' + field, 'message': 'bad length'})
    sans, ku, eku, bc = [], None, None, None
    for ext in csr.extensions:
        if ext.oid == ExtensionOID.SUBJECT_ALTERNATIVE_NAME:
            for g in ext.value:
                if isinstance(g, x509.DNSName):
                    sans.append({'type': 'DNS', 'value': g.value})
                elif isinstance(g, x509.IPAddress):
                    sans.append({'type': 'IP', 'value': str(g.value)})
                elif isinstance(g, x509.RFC822Name):
                    sans.append({'type': 'EMAIL', 'value': g.value})
                elif isinstance(g, x509.UniformResourceIdentifier):
                    sans.append({'type': 'URI', 'value': g.value})
        elif ext.oid == ExtensionOID.KEY_USAGE:
            ku = [n for n in ('digital_signature', 'content_commitment', 'key_encipherment', 'data_encipherment', 'key_agreement', 'key_cert_sign', 'crl_sign') if getattr(ext.value, n)]
        elif ext.oid == ExtensionOID.EXTENDED_KEY_USAGE:
            eku = [o.dotted_string for o in ext.value]
        elif ext.oid == ExtensionOID.BASIC_CONSTRAINTS:
            bc = {'ca': ext.value.ca} if ext.value.path_length is None else {'ca': ext.value.ca, 'path_length': ext.value.path_length}
    public_key = pk.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode().replace('\n', '\r\n')
    return {'source': source, 'key_algorithm': alg, 'key_algorithm_length': bits, 'signature_algorithm': sig_name, 'public_key': public_key,
            'distinguished_name': dn, 'ccm_key_algorithm': ccm, 'subject': ', '.join(parts), 'subject_alternative_names': sans,
            'key_usage': ku, 'extended_key_usage': eku, 'basic_constraints': bc, 'signature_valid': valid, 'findings': findings}


out = []
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    pos, n = 0, 0
    while True:
        b = data.find(BEGIN, pos)
        if b < 0:
            break
        e = data.index(END, b) + len(END)
        n += 1
        out.append(json.dumps(report(f'{path}#{n}', data[b:e]), separators=(',', ':'), ensure_ascii=False))
        pos = e
sys.stdout.write('\n'.join(out) + '\n')
