// Alipay's official Node.js SDK (alipay-sdk 4.14, its v3 curl()) against the sandbox,
// configured only from the files `alipay-voucher sandbox --credentials-dir` wrote.
// Proves that the sandbox speaks the protocol the official SDKs speak, not just ours.
//
// argv: <sdkPath> <credentialsDir> <mode: key|cert>. Prints one JSON line with what
// each call returned; exits non-zero on any failure.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [sdkPath, dir, mode] = process.argv.slice(2);
  const settings = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'));
  const { AlipaySdk } = require(sdkPath);
  const options = {
    appId: settings.app_id,
    privateKey: fs.readFileSync(path.join(dir, 'app_private_key.pem'), 'ascii'),
    keyType: 'PKCS8',
    endpoint: settings.base_url,
    encryptKey: settings.encrypt_key,
  };
  if (mode === 'cert') {
    options.appCertPath = path.join(dir, 'app_cert.crt');
    options.alipayPublicCertPath = path.join(dir, 'alipay_cert.crt');
    options.alipayRootCertPath = path.join(dir, 'alipay_root_cert.crt');
  } else {
    options.alipayPublicKey = fs.readFileSync(path.join(dir, 'alipay_public_key.pem'), 'ascii');
  }
  const sdk = new AlipaySdk(options);
  const needEncrypt = mode === 'cert';
  const base = '/v3/alipay/marketing/activity/voucher/';
  const pad = (n) => String(n).padStart(2, '0');
  const fmt = (d) => {
    const b = new Date(d.getTime() + 8 * 3600 * 1000); // Beijing time
    return `${b.getUTCFullYear()}-${pad(b.getUTCMonth() + 1)}-${pad(b.getUTCDate())} ` +
      `${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}:${pad(b.getUTCSeconds())}`;
  };
  const now = new Date();
  const out = { mode };
  const created = await sdk.curl('POST', base + 'create', {
    needEncrypt,
    body: {
      out_biz_no: `node-${mode}-create`,
      activity_name: '官方SDK 满10减1',
      voucher_type: 'FIX_VOUCHER',
      publish_start_time: fmt(new Date(now.getTime() - 60000)),
      publish_end_time: fmt(new Date(now.getTime() + 30 * 86400000)),
      voucher_send_rule: { voucher_quantity: 5, voucher_quantity_limit_per_user: 1 },
      voucher_use_rule: { fix_voucher: { amount: '1.00', floor_amount: '10.00' } },
      voucher_budget_info: { budget_type: 'NO_CASH' },
    },
  });
  const activityId = created.data.activity_id;
  out.create = created.data;
  out.publish = (await sdk.curl('POST', base + 'publish', {
    needEncrypt, body: { activity_id: activityId, out_biz_no: `node-${mode}-publish` },
  })).data;
  out.send = (await sdk.curl('POST', base + 'send', {
    needEncrypt,
    body: { activity_id: activityId, out_biz_no: `node-${mode}-send`, user_id: '2088102000000001' },
  })).data;
  // No needEncrypt on the GET: Node then expects an encrypted answer to a request it
  // sent in plaintext, without any header that would tell a gateway to encrypt it.
  out.query = (await sdk.curl('GET', base + 'query', {
    query: { activity_id: activityId },
  })).data;
  try {
    await sdk.curl('POST', base + 'send', {
      needEncrypt,
      body: { activity_id: activityId, out_biz_no: `node-${mode}-send-2`, user_id: '2088102000000001' },
    });
    out.second_send = 'accepted';
  } catch (err) {
    out.second_send = { code: err.code, status: err.responseHttpStatus };
  }
  out.stop = (await sdk.curl('POST', base + 'stop', {
    needEncrypt, body: { activity_id: activityId, out_biz_no: `node-${mode}-stop` },
  })).data;
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err.code || err.name}: ${err.message}\n`);
  process.exit(1);
});
