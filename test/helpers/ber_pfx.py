"""Re-encodes a DER PKCS#12 file the way Windows/.NET (and Java) write it.

Usage: ber_pfx.py IN.pfx OUT.pfx PASSWORD [--duplicate] [--chunk N]

- every constructed TLV of the PFX, its AuthenticatedSafe and its plaintext
  SafeContents gets the BER indefinite length form (30 80 ... 00 00);
- OCTET STRINGs are split into a constructed string of N-byte chunks
  (24 80 04 .. 04 .. 00 00), including the authSafe content and the
  [0] IMPLICIT encryptedContent of EncryptedData (a0 80 04 .. 00 00);
- certificates and ciphertexts keep their bytes (only the strings around
  them are chunked), so signatures and decryption are unchanged;
- with --duplicate, every SafeBag of a plaintext SafeContents appears twice,
  as some Windows exports hold the key and certificate twice;
- the MAC is recomputed (RFC 7292 appendix B KDF, written here independently
  of ccmkit's), so OpenSSL must verify the result as it verifies the input.
"""
import hashlib
import hmac
import sys

DATA = bytes.fromhex('06092a864886f70d010701')
HASHES = {
    bytes.fromhex('06052b0e03021a'): ('sha1', 20, 64),
    bytes.fromhex('0609608648016503040201'): ('sha256', 32, 64),
    bytes.fromhex('0609608648016503040202'): ('sha384', 48, 128),
    bytes.fromhex('0609608648016503040203'): ('sha512', 64, 128),
}


def read(b, i):
    tag = b[i]
    i += 1
    n = b[i]
    i += 1
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(b[i:i + k], 'big')
        i += k
    return tag, i, i + n


def items(b):
    out = []
    i = 0
    while i < len(b):
        tag, body, end = read(b, i)
        out.append((tag, b[body:end], b[i:end]))
        i = end
    return out


def der_len(n):
    if n < 0x80:
        return bytes([n])
    s = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(s)]) + s


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def indef(tag, content):
    return bytes([tag, 0x80]) + content + b'\0\0'


def chunked(content, chunk, tag=0x24):
    parts = b''.join(tlv(0x04, content[i:i + chunk]) for i in range(0, len(content), chunk)) or tlv(0x04, b'')
    return indef(tag, parts)


def ber_structure(b, chunk):
    """BER for plain structure: constructed -> indefinite, OCTET STRING -> chunked; never looks inside strings."""
    out = b''
    for tag, content, raw in items(b):
        if tag == 0x04:
            out += chunked(content, chunk)
        elif tag == 0x80:
            out += chunked(content, chunk, 0xA0)
        elif tag & 0x20:
            out += indef(tag, ber_structure(content, chunk))
        else:
            out += raw
    return out


def safe_contents(b, chunk, duplicate):
    out = b''
    for tag, content, raw in items(b):
        bag = indef(tag, ber_structure(content, chunk))
        out += bag + (bag if duplicate else b'')
    return indef(0x30, out)


def auth_safe(b, chunk, duplicate):
    _, body, end = read(b, 0)
    out = b''
    for tag, content, raw in items(b[body:end]):
        oid_tag, oid_body, oid_end = read(content, 0)
        oid = content[0:oid_end]
        if oid == DATA:
            _, w_body, w_end = read(content, oid_end)
            _, os_body, os_end = read(content, w_body)
            inner = safe_contents(content[os_body:os_end][read(content[os_body:os_end], 0)[1]:], chunk, duplicate)
            out += indef(0x30, oid + indef(0xA0, chunked(inner, chunk)))
        else:
            out += indef(tag, ber_structure(content, chunk))
    return indef(0x30, out)


def pkcs12_kdf(name, u, v, password, salt, ident, iterations, n):
    def fill(s):
        if not s:
            return b''
        n = v * ((len(s) + v - 1) // v)
        return (s * (n // len(s) + 1))[:n]

    I = bytearray(fill(salt) + fill(password))
    out = b''
    while len(out) < n:
        a = hashlib.new(name, bytes([ident]) * v + bytes(I)).digest()
        for _ in range(iterations - 1):
            a = hashlib.new(name, a).digest()
        out += a
        B = (a * (v // u + 1))[:v]
        for j in range(0, len(I), v):
            x = (int.from_bytes(I[j:j + v], 'big') + int.from_bytes(B, 'big') + 1) % (1 << (8 * v))
            I[j:j + v] = x.to_bytes(v, 'big')
    return out[:n]


def main():
    src, dst, password = sys.argv[1], sys.argv[2], sys.argv[3]
    duplicate = '--duplicate' in sys.argv
    chunk = int(sys.argv[sys.argv.index('--chunk') + 1]) if '--chunk' in sys.argv else 1000
    der = open(src, 'rb').read()
    _, body, _ = read(der, 0)
    version, ci, mac_data = items(der[body:])
    ci_oid_end = read(ci[1], 0)[2]
    _, w_body, w_end = read(ci[1], ci_oid_end)
    _, os_body, os_end = read(ci[1], w_body)
    new_auth = auth_safe(ci[1][os_body:os_end], chunk, duplicate)
    # MacData ::= SEQUENCE { DigestInfo { AlgorithmIdentifier, digest }, macSalt, iterations }
    di, salt_t, iter_t = items(mac_data[1])
    alg, _digest = items(di[1])
    hash_oid = items(alg[1])[0][2]
    name, u, v = HASHES[hash_oid]
    salt = salt_t[1]
    iterations = int.from_bytes(iter_t[1], 'big')
    bmp = (password.encode('utf-16-be') + b'\0\0') if password else b''
    key = pkcs12_kdf(name, u, v, bmp, salt, 3, iterations, u)
    mac = hmac.new(key, new_auth, name).digest()
    new_mac = tlv(0x30, tlv(0x30, alg[2] + tlv(0x04, mac)) + salt_t[2] + iter_t[2])
    pfx = indef(0x30, version[2] + indef(0x30, DATA + indef(0xA0, chunked(new_auth, chunk))) + new_mac)
    open(dst, 'wb').write(pfx)


main()
