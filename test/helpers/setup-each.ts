// Runs in every test file: let the worker's event loop turn after each test.
// Vitest moves from test to test without leaving the microtask queue, so a file
// of synchronous subprocess tests (spawnSync of openssl, keytool, ccmkit) can
// hold the loop long enough on a loaded machine for the worker's RPC to time
// out ("Timeout calling onTaskUpdate").
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
