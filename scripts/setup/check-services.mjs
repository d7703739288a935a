// Exit 0 when the service at URL answers, else print one line and exit 1.
//   node scripts/setup/check-services.mjs postgres|redis URL
// Needs node_modules (pg, ioredis): run after ensure-node-deps.sh.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [kind, url] = process.argv.slice(2);

function fail(message) {
  // Never print the URL: it carries the password.
  console.error(`${kind}: ${message}`);
  process.exit(1);
}

if (!url) fail('no URL given');
try {
  if (kind === 'postgres') {
    const { Client } = require('pg');
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
  } else if (kind === 'redis') {
    const Redis = require('ioredis');
    const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.connect();
    await client.ping();
    client.disconnect();
  } else {
    fail(`unknown service ${kind}`);
  }
} catch (error) {
  fail(`not reachable: ${String(error?.message ?? error).replace(/\b\w+:\/\/\S+/g, '[url]')}`);
}
