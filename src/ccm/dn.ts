// CCM's DistinguishedName rules (ccm-api-reference.txt 4.2.2.4 Table 4-184,
// the same limits as 4.2.1.2 "Creating a CA"); code PCA.00020101 (A.2.2).

import { type Name, toDistinguishedName, type DistinguishedName } from '../engine/name.js';
import type { Finding } from './findings.js';

export const PCA_BAD_DN = { code: 'PCA.00020101', message: 'Incorrect certificate distinguished name.' } as const;

export const DN_LIMITS: Record<keyof DistinguishedName, { min: number; max: number; pattern?: RegExp }> = {
  common_name: { min: 1, max: 64 },
  country: { min: 2, max: 2, pattern: /^[A-Za-z]{2}$/ },
  state: { min: 1, max: 128 },
  locality: { min: 1, max: 128 },
  organization: { min: 1, max: 64 },
  organizational_unit: { min: 1, max: 64 },
};

/** Length in Unicode code points, as [...v].length counts it, without building the array. */
function codePoints(v: string): number {
  let n = v.length;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length) {
      const d = v.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Checks a DistinguishedName object (request-body form). `required` lists fields that must be present. */
export function dnObjectFindings(dn: DistinguishedName, fieldPrefix = 'distinguished_name', required: (keyof DistinguishedName)[] = []): Finding[] {
  const out: Finding[] = [];
  for (const key of Object.keys(DN_LIMITS) as (keyof DistinguishedName)[]) {
    const v = dn[key];
    const lim = DN_LIMITS[key];
    const field = `${fieldPrefix}.${key}`;
    if (v === undefined) {
      if (required.includes(key)) out.push({ code: PCA_BAD_DN.code, severity: 'error', field, message: `${key} is missing. ${PCA_BAD_DN.message}`, fix: `Set ${key}.` });
      continue;
    }
    const len = codePoints(v);
    if (len < lim.min || len > lim.max) {
      out.push({
        code: PCA_BAD_DN.code,
        severity: 'error',
        field,
        message: `${key} is ${len} characters; CCM allows ${lim.min === lim.max ? lim.min : `${lim.min}-${lim.max}`}. ${PCA_BAD_DN.message}`,
        fix: `Shorten ${key} to at most ${lim.max} characters.`,
      });
    } else if (lim.pattern && !lim.pattern.test(v)) {
      out.push({ code: PCA_BAD_DN.code, severity: 'error', field, message: `${key} "${v}" must be two letters (ISO 3166). ${PCA_BAD_DN.message}`, fix: 'Use a two-letter country code such as CN or DE.' });
    }
  }
  return out;
}

/** Checks the subject of a CSR or certificate against the same limits. */
export function distinguishedNameFindings(name: Name): Finding[] {
  return dnObjectFindings(toDistinguishedName(name), 'subject');
}
