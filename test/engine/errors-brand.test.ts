// The CLI is bundled one file per command, each with its own copy of
// engine/errors.ts (scripts/bundle-cli.mjs): a CcmError thrown by a command
// must still be a CcmError to the dispatcher's copy, or every usage error
// would print as an internal error (exit 70).
import { describe, expect, it } from 'vitest';
import { CcmError, usageError } from '../../src/engine/errors.js';

describe('CcmError across module copies', () => {
  it('is recognised by instanceof in another copy of the module, and nothing else is', async () => {
    // A query string makes Vite load a second, separate instance of the module.
    const path = '../../src/engine/errors.js?copy';
    const copy = (await import(/* @vite-ignore */ path)) as typeof import('../../src/engine/errors.js');
    expect(copy.CcmError).not.toBe(CcmError);
    expect(copy.usageError('x') instanceof CcmError).toBe(true);
    expect(usageError('x') instanceof copy.CcmError).toBe(true);
    expect(new Error('x') instanceof CcmError).toBe(false);
    expect(Object.assign(new Error('x'), { name: 'CcmError', code: 'CCMKIT.0001' }) instanceof CcmError).toBe(false);
    for (const v of [null, undefined, 'CcmError', 1, {}]) expect(v instanceof CcmError).toBe(false);
  });
});

describe('subclasses of CcmError', () => {
  it('keep the ordinary instanceof: a plain CcmError is not a RemoteError, a NetworkError is not a RemoteError', async () => {
    const { RemoteError, NetworkError } = await import('../../src/sync/errors.js');
    const remote = new RemoteError(404, 'SCM.0001', 'not found', 'req-1', '{}', 'GET', '/v3/scm/certificates/x');
    const net = new NetworkError('refused', 'refused', false);
    expect(remote instanceof RemoteError).toBe(true);
    expect(remote instanceof CcmError).toBe(true);
    expect(net instanceof NetworkError).toBe(true);
    expect(net instanceof CcmError).toBe(true);
    expect(usageError('x') instanceof RemoteError).toBe(false);
    expect(usageError('x') instanceof NetworkError).toBe(false);
    expect(net instanceof RemoteError).toBe(false);
    expect(remote instanceof NetworkError).toBe(false);
  });
});
