// Human rendering of a container listing, laid out like `keytool -list -v`
// so that an operator who knows keytool reads it at a glance. out() escapes
// control characters (a hostile alias or DN cannot forge lines).

import type { ContainerListing } from '../api/inputs.js';
import { out } from './io.js';

export function printListing(l: ContainerListing): void {
  const k = l.keystore;
  out(`${l.source}  ${l.kind === 'zip' ? 'zip' : l.kind === 'pkcs7' ? 'PKCS#7 certificate bag' : 'keystore'}`);
  if (l.kind === 'zip') {
    for (const n of k.notes) out(`  note        ${n}`);
    return;
  }
  out(`  Keystore type: ${k.type}`);
  const none = k.type === 'PKCS12' ? 'none (this file has no MAC: its contents are unauthenticated)' : 'none in this format';
  out(`  Integrity: ${k.integrity === 'verified' ? 'verified' : k.integrity === 'unchecked' ? 'NOT verified (no password given)' : none}`);
  out(`  Your keystore contains ${k.entry_count} entr${k.entry_count === 1 ? 'y' : 'ies'}`);
  for (const n of k.notes) out(`  Note: ${n}`);
  for (const e of k.entries) {
    out('');
    out(`  Alias name: ${e.alias}`);
    if (e.creation_date) out(`  Creation date: ${e.creation_date}`);
    out(`  Entry type: ${e.entry_type}`);
    if (e.protection) out(`  Key protection: ${e.protection}${e.key ? '' : ' (not decrypted)'}`);
    if (e.chain_length !== undefined) out(`  Certificate chain length: ${e.chain_length}`);
    e.certificates.forEach((c, i) => {
      if (e.entry_type === 'PrivateKeyEntry' || e.certificates.length > 1) out(`  Certificate[${i + 1}]:`);
      if (c.error) {
        out(`  ${c.error}`);
      } else {
        out(`  Owner: ${c.owner ?? ''}`);
        out(`  Issuer: ${c.issuer ?? ''}`);
        out(`  Serial number: ${c.serial}`);
        out(`  Valid from: ${c.valid_from} until: ${c.valid_until}`);
      }
      out('  Certificate fingerprints:');
      out(`  \t SHA1: ${c.sha1}`);
      out(`  \t SHA256: ${c.sha256}`);
      if (c.signature_algorithm) out(`  Signature algorithm name: ${c.signature_algorithm}`);
      if (c.public_key) out(`  Subject Public Key Algorithm: ${c.public_key}`);
    });
    out('  *******************************************');
  }
}
