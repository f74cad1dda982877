// The transport against real sockets: TLS to the emulator trusting only its
// root (--ca-bundle) and failing without it; a small local proxy (CONNECT
// for https, absolute-form for http) with and without Proxy-Authorization;
// NO_PROXY; a refused connection, an unknown host and a silent server, each
// with its own message, distinct from CCM's refusals.

import { createServer as createNetServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cc, conn, jsonOf, startEmu, type Emu } from '../helpers/sync.js';

interface Proxy {
  port: number;
  connects: string[];
  plain: string[];
  server: Server;
}

/** A proxy: CONNECT tunnels and plain absolute-form HTTP; optional Basic auth; `deny` refuses every tunnel. */
async function startProxy(o: { auth?: string; deny?: boolean } = {}): Promise<Proxy> {
  const p: Proxy = { port: 0, connects: [], plain: [], server: undefined as unknown as Server };
  p.server = createNetServer((client: Socket) => {
    client.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const text = head.subarray(0, end).toString('latin1');
      const rest = head.subarray(end + 4);
      const [line, ...fields] = text.split('\r\n');
      const auth = fields.find((h) => /^proxy-authorization:/i.test(h))?.split(':').slice(1).join(':').trim();
      if (o.auth && auth !== `Basic ${Buffer.from(o.auth).toString('base64')}`) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="t"\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const connect = /^CONNECT (\S+):(\d+) HTTP\/1\.[01]$/.exec(line!);
      if (connect) {
        p.connects.push(`${connect[1]}:${connect[2]}`);
        if (o.deny) {
          client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
          return;
        }
        const up = netConnect(Number(connect[2]), connect[1]!, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          if (rest.length) up.write(rest);
          up.pipe(client);
          client.pipe(up);
        });
        up.on('error', () => client.destroy());
        return;
      }
      const plain = /^(\S+) http:\/\/([^/\s]+)(\S*) (HTTP\/1\.[01])$/.exec(line!);
      if (!plain) return void client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      p.plain.push(`${plain[1]} http://${plain[2]}${plain[3]}`);
      const [host, port] = plain[2]!.split(':');
      const up = netConnect(Number(port ?? 80), host!, () => {
        const kept = fields.filter((h) => !/^proxy-/i.test(h));
        up.write(`${plain[1]} ${plain[3] || '/'} ${plain[4]}\r\n${kept.join('\r\n')}\r\n\r\n`);
        if (rest.length) up.write(rest);
        up.pipe(client);
        client.pipe(up);
      });
      up.on('error', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', r));
  p.port = (p.server.address() as AddressInfo).port;
  return p;
}

function closeProxy(p: Proxy): Promise<void> {
  return new Promise((r) => {
    p.server.close(() => r());
    // tunnels still open
    setTimeout(r, 200).unref();
  });
}

describe('TLS', () => {
  let emu: Emu;
  beforeAll(async () => {
    emu = await startEmu({ tls: true });
  });
  afterAll(() => emu.stop());

  it('trusting the emulator root with --ca-bundle works', async () => {
    expect(emu.url.startsWith('https://')).toBe(true);
    const r = await cc(['scm', 'list', ...conn(emu), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(r).total_count).toBe(0);
  });

  it('without it the handshake fails: CCMKIT.0202, a hint, nothing reached the service', async () => {
    const before = (await emu.log()).length;
    const r = await cc(['scm', 'list', '--endpoint', emu.url, '--credentials', emu.credsFile]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CCMKIT.0202');
    expect(r.stderr).toContain('TLS with 127.0.0.1');
    expect(r.stderr).toContain('--ca-bundle');
    expect((await emu.log()).length).toBe(before);
    // and a bundle that holds no certificate is refused up front
    const bad = await cc(['scm', 'list', '--endpoint', emu.url, '--credentials', emu.credsFile, '--ca-bundle', emu.credsFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('holds no PEM certificate');
  });

  describe('through a CONNECT proxy', () => {
    let proxy: Proxy;
    let authProxy: Proxy;
    let denyProxy: Proxy;
    beforeAll(async () => {
      proxy = await startProxy();
      authProxy = await startProxy({ auth: 'squid:pr0xy-secret' });
      denyProxy = await startProxy({ deny: true });
    });
    afterAll(async () => {
      await closeProxy(proxy);
      await closeProxy(authProxy);
      await closeProxy(denyProxy);
    });

    it('HTTPS_PROXY: the request goes through a tunnel to the emulator, TLS end to end', async () => {
      const r = await cc(['ca', 'list', '--remote', ...conn(emu), '--json'], { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` });
      expect(r.code, r.stderr).toBe(0);
      expect(proxy.connects).toEqual([`127.0.0.1:${emu.port}`]);
    });

    it('NO_PROXY bypasses it', async () => {
      const r = await cc(['ca', 'list', '--remote', ...conn(emu)], { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: 'localhost,127.0.0.1' });
      expect(r.code, r.stderr).toBe(0);
      expect(proxy.connects).toHaveLength(1);
    });

    it('a proxy that wants credentials gets them from the proxy URL; they are never printed', async () => {
      const ok = await cc(['scm', 'list', ...conn(emu), '--verbose'], { HTTPS_PROXY: `http://squid:pr0xy-secret@127.0.0.1:${authProxy.port}` });
      expect(ok.code, ok.stderr).toBe(0);
      expect(authProxy.connects).toHaveLength(1);
      const no = await cc(['scm', 'list', ...conn(emu), '--retries', '0'], { HTTPS_PROXY: `http://squid:wrong-secret@127.0.0.1:${authProxy.port}` });
      expect(no.code).toBe(1);
      expect(no.stderr).toContain('CCMKIT.0206');
      expect(no.stderr).toContain('HTTP 407');
      for (const r of [ok, no]) expect(r.stdout + r.stderr).not.toMatch(/pr0xy-secret|wrong-secret/);
    });

    it('a proxy that refuses the tunnel: CCMKIT.0206, not a CCM refusal', async () => {
      const r = await cc(['scm', 'list', ...conn(emu), '--retries', '0', '--json'], { HTTPS_PROXY: `http://127.0.0.1:${denyProxy.port}` });
      expect(r.code).toBe(1);
      expect(jsonOf(r)).toMatchObject({ error_code: 'CCMKIT.0206' });
      expect(jsonOf(r).error_msg).toContain('HTTP 403: the proxy refused to open a tunnel');
    });
  });
});

describe('plain HTTP and failures', () => {
  let emu: Emu;
  let proxy: Proxy;
  beforeAll(async () => {
    emu = await startEmu({ faults: 'delay=3000@#1~GET:/v1/private-certificates' });
    proxy = await startProxy();
  });
  afterAll(async () => {
    // The emulator would wait out its 30 s body timeout for the request the read-timeout test walked
    // away from (its reader misses a client that left during an injected delay): no grace needed here.
    emu.spawned.child.kill('SIGKILL');
    await emu.stop();
    await closeProxy(proxy);
  });

  it('HTTP_PROXY: an http endpoint is reached with the absolute URL through the proxy', async () => {
    const r = await cc(['scm', 'list', ...conn(emu), '--json'], { HTTP_PROXY: `http://127.0.0.1:${proxy.port}`, HTTPS_PROXY: 'http://127.0.0.1:1' });
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.plain).toEqual([`GET ${emu.url}/v3/scm/certificates`]);
    expect(proxy.connects).toEqual([]);
  });

  it('a silent server: the read timeout ends it with its own message', async () => {
    const r = await cc(['cert', 'list', '--remote', ...conn(emu), '--read-timeout', '1', '--retries', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CCMKIT.0201');
    expect(r.stderr).toMatch(/no answer from 127\.0\.0\.1:\d+ within 1 s \(GET http:\/\/127\.0\.0\.1:\d+\/v1\/private-certificates\)/);
  });

  it('a refused connection and an unknown host: CCMKIT.0201 with what failed, retried then given up', async () => {
    const refused = await cc(['scm', 'list', '--endpoint', 'http://127.0.0.1:1', '--credentials', emu.credsFile, '--retries', '1', '--json']);
    expect(refused.code).toBe(1);
    expect(jsonOf(refused)).toMatchObject({ error_code: 'CCMKIT.0201' });
    expect(jsonOf(refused).error_msg).toContain('127.0.0.1:1 refused the connection');
    const dns = await cc(['scm', 'list', '--endpoint', 'https://scm.nonexistent.invalid', '--credentials', emu.credsFile, '--retries', '0']);
    expect(dns.code).toBe(1);
    expect(dns.stderr).toMatch(/CCMKIT\.0201: cannot resolve scm\.nonexistent\.invalid/);
  });
});
