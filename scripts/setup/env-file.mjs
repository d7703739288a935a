// The local, git-ignored `.env` that `npm start` and `npm test` share.
//   node scripts/setup/env-file.mjs ensure-secret   create .env / add a generated ZPANEL_SECRET_KEY if absent
//   node scripts/setup/env-file.mjs get NAME         print NAME from the environment, else from .env (empty if unset)
//   node scripts/setup/env-file.mjs set NAME VALUE   write NAME=VALUE into .env (replacing an earlier line)
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

const ENV_PATH = join(dirname(fileURLToPath(import.meta.url)), '../../.env');
const HEADER = `# Local settings for npm start / npm test. Generated on first run; not committed.
# Every variable is documented in .env.example. Variables set in the environment win over this file.
`;

function read() {
  return existsSync(ENV_PATH) ? readFileSync(ENV_PATH, 'utf8') : '';
}

function write(text) {
  writeFileSync(ENV_PATH, text, { mode: 0o600 });
  // The file holds the instance key and database password: owner-only, whoever created it.
  chmodSync(ENV_PATH, 0o600);
  const uid = Number(process.env.SUDO_UID);
  const gid = Number(process.env.SUDO_GID);
  if (process.getuid?.() === 0 && uid > 0) import('node:fs').then((fs) => fs.chownSync(ENV_PATH, uid, gid));
}

function set(name, value) {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`bad variable name ${name}`);
  if (/[\r\n]/.test(value)) throw new Error(`${name} must be one line`);
  const text = read() || HEADER;
  const line = `${name}=${value}`;
  const pattern = new RegExp(`^${name}=.*$`, 'm');
  write(pattern.test(text) ? text.replace(pattern, () => line) : `${text.replace(/\n*$/, '\n')}${line}\n`);
}

const [command, name, value] = process.argv.slice(2);
if (command === 'ensure-secret') {
  const current = parseEnv(read()).ZPANEL_SECRET_KEY;
  if (!current && !process.env.ZPANEL_SECRET_KEY) {
    set('ZPANEL_SECRET_KEY', randomBytes(32).toString('base64'));
    console.log('config: generated ZPANEL_SECRET_KEY into .env (back it up: it decrypts your stored secrets)');
  }
} else if (command === 'get' && name) {
  process.stdout.write(process.env[name] ?? parseEnv(read())[name] ?? '');
} else if (command === 'set' && name && value !== undefined) {
  set(name, value);
} else {
  console.error('usage: env-file.mjs ensure-secret | get NAME | set NAME VALUE');
  process.exit(2);
}
