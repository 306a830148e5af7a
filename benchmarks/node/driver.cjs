// Drives the official Node.js SDK (alipay-sdk 4.14, its v3 curl()) at a fixed concurrency
// against the local benchmark server, so the Python SDK has a real-world reference point
// measured on the same machine, against the same server, in the same run.
//
// Reads one JSON spec on stdin: {sdkPath, endpoint, appId, privateKey (PKCS#1 PEM),
// alipayPublicKey (SPKI PEM), path, body, calls, concurrency, warmup}. Prints one JSON
// line: {calls, seconds, errors, errorSample, cpuSeconds}. Every response goes through curl()'s own
// signature verification (the SDK's default), so a call only counts as a success when the
// server's signature checked out.
'use strict';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function run(sdk, spec, calls) {
  let next = 0;
  let errors = 0;
  let errorSample = null;
  async function worker() {
    while (next < calls) {
      const i = next++;
      const body = Object.assign({}, spec.body, { out_biz_no: `${spec.body.out_biz_no}-${i}` });
      try {
        const result = await sdk.curl('POST', spec.path, { body });
        if (!result || !result.data || !result.data.voucher_id) {
          throw new Error(`unexpected result ${JSON.stringify(result && result.data)}`);
        }
      } catch (err) {
        errors++;
        if (errorSample === null) errorSample = `${err.code || err.name}: ${err.message}`;
      }
    }
  }
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const workers = [];
  for (let w = 0; w < spec.concurrency; w++) workers.push(worker());
  await Promise.all(workers);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { calls, seconds, errors, errorSample, cpuSeconds };
}

async function main() {
  const spec = await readStdin();
  const { AlipaySdk } = require(spec.sdkPath);
  const sdk = new AlipaySdk({
    appId: spec.appId,
    privateKey: spec.privateKey,
    alipayPublicKey: spec.alipayPublicKey,
    endpoint: spec.endpoint,
    timeout: 30000,
  });
  if (spec.warmup > 0) await run(sdk, spec, spec.warmup);
  const result = await run(sdk, spec, spec.calls);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
