// Host names and IP addresses as CCM accepts them in certificates and SANs.

import { ipToBytes } from '../engine/extensions.js';

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * RFC 1123 host name: LDH labels of 1-63 characters, at most 253 in all, at
 * least two labels; a wildcard only as the whole leftmost label (RFC 6125 6.4.3
 * as CAs apply it: "*.example.com", never "w*.example.com" or "a.*.com").
 */
export function hostnameProblem(name: string, allowWildcard = true): string | undefined {
  if (name.length === 0) return 'empty';
  if (name.length > 253) return `${name.length} characters (at most 253)`;
  if (/\s/.test(name)) return 'contains white space';
  const labels = name.replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l.includes('*')) {
      if (!allowWildcard) return 'wildcards are not allowed here';
      if (i !== 0 || l !== '*') return 'a wildcard must be the whole leftmost label (*.example.com)';
      if (labels.length < 3) return 'a wildcard needs at least two labels after it';
      continue;
    }
    if (!LABEL.test(l)) return `label "${l.slice(0, 64)}" is not letters, digits and inner hyphens of 1-63 characters`;
  }
  if (labels.length < 2) return 'a single label is not a domain name';
  return undefined;
}

export function isIPv4(s: string): boolean {
  return ipToBytes(s)?.length === 4 && !s.includes(':');
}

export function isIP(s: string): boolean {
  return ipToBytes(s) !== undefined;
}
