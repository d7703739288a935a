// Exit 0 when the service at URL answers; else print one line (a complete sentence that names
// NAME, the variable the URL came from, when given) and exit 1 (2 when URL is malformed).
//   node scripts/setup/check-services.mjs postgres|redis URL [NAME]
// Needs node_modules (pg, ioredis): run after ensure-node-deps.sh.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [kind, url, name] = process.argv.slice(2);
const SERVICES = {
  postgres: { protocols: ['postgres:', 'postgresql:'], label: 'the database' },
  redis: { protocols: ['redis:', 'rediss:'], label: 'Redis' },
};

function fail(code, message) {
  // Never print the URL: it carries the password.
  console.error(message);
  process.exit(code);
}

const service = SERVICES[kind];
if (!service) fail(2, `check-services: unknown service ${kind}`);
const subject = name ?? `${kind} URL`;
if (!url) fail(2, `${subject} is empty`);
// The same rule the API applies at boot (libs/server/core/src/config/load-config.ts), checked
// here so a typo stops with this line instead of a driver error about some odd host name.
let parsed;
try {
  parsed = new URL(url);
} catch {
  fail(2, `${subject} is not a valid URL (expected ${service.protocols.map((p) => `${p}//…`).join(' or ')})`);
}
if (!service.protocols.includes(parsed.protocol) || parsed.hostname === '') {
  fail(2, `${subject} must be a ${service.protocols.map((p) => `${p}//`).join(' or ')} URL with a host`);
}

let connectionError;
try {
  if (kind === 'postgres') {
    const { Client } = require('pg');
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
  } else {
    const Redis = require('ioredis');
    const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    // Without a listener ioredis prints each connection error with its stack; keep the first
    // instead, as connect() itself only rejects with "Connection is closed."
    client.on('error', (error) => (connectionError ??= error));
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  }
} catch (error) {
  const cause = connectionError ?? error;
  const reason = String(cause?.message ?? cause).replace(/\b\w+:\/\/\S+/g, '[url]');
  fail(1, name ? `${name} is set but ${service.label} does not answer: ${reason}` : `not reachable: ${reason}`);
}
