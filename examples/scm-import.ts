// Pre-flight an SCM import body offline, then import it into SCM (or the
// emulator), signed with your AK/SK; import it twice and the second run finds
// it instead of making a duplicate.
//
//   HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_DOMAIN_ID=... \
//   npx tsx examples/scm-import.ts (--region R | --endpoint URL) --name NAME cert.pem [chain.pem] key.pem
//
// Exit 0 imported (or found), 1 refused (offline by the pre-flight, or by SCM).
import { readFileSync } from 'node:fs';
import { validateScmImport } from 'ccmkit';
import { CcmClient, credentialsFromEnv, RemoteError, resolveEndpoints, scmImport, scmShow } from 'ccmkit/sync';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const region = flag('region');
const endpoint = flag('endpoint');
const name = flag('name') ?? 'imported_by_ccmkit';
const [certFile, ...rest] = args;
const keyFile = rest.pop();
const chainFile = rest[0];

const body = {
  name,
  certificate: readFileSync(certFile!, 'utf8'),
  ...(chainFile ? { certificate_chain: readFileSync(chainFile, 'utf8') } : {}),
  private_key: readFileSync(keyFile!, 'utf8'),
};

// Offline first: SCM's own answer for a body it would refuse, without sending the key anywhere.
const pre = validateScmImport(body, { at: new Date() });
if (!pre.valid) {
  console.log(`not sent: SCM would answer HTTP ${pre.status} ${pre.error_code}: ${pre.error_msg}`);
  process.exit(1);
}

// Credentials are a plain object; this example takes them from the SDK's variables, explicitly.
const credentials = credentialsFromEnv(process.env);
if (!credentials) {
  console.error('set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_DOMAIN_ID)');
  process.exit(2);
}
const client = new CcmClient({ credentials, endpoints: resolveEndpoints({ region, endpoint }), maxAttempts: 3 });
try {
  const r = await scmImport(client, body, { dedupe: true });
  const shown = await scmShow(client, r.certificate_id);
  console.log(`${r.existed ? 'already in SCM' : 'imported'}: ${r.certificate_id} (${shown.domain}, ${shown.status})`);
} catch (e) {
  // CCM's refusal, as it came: HTTP status, error_code, X-Request-Id.
  if (!(e instanceof RemoteError)) throw e;
  console.log(`SCM refused: HTTP ${e.httpStatus} ${e.error_code} (X-Request-Id ${e.requestId ?? '-'})`);
  process.exitCode = 1;
} finally {
  client.close();
}
