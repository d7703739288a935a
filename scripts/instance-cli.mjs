// npm run backup-instance -- --out <file.zpbk> --key-file <key>        (apps/worker/src/backup-instance.ts)
// npm run restore-instance -- --file <backup.zpbk> --key-file <key>    (apps/worker/src/restore-instance.ts)
// Instance backups of Zpanel's own database by hand, and restoring one onto a fresh install before
// Zpanel starts (docs/backups.md, "Instance backups"). Needs a build (npx nx run-many -t build);
// this file only loads .env and runs the built command.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

const COMMANDS = { backup: ['backup-instance.js', 'backupInstance'], restore: ['restore-instance.js', 'restoreInstance'] };
const [command, ...args] = process.argv.slice(2);
if (!COMMANDS[command]) {
  console.error('usage: node scripts/instance-cli.mjs backup|restore ...');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/apps/worker/apps/worker/src', COMMANDS[command][0]);
if (!existsSync(entry)) {
  console.error(`${command}-instance: build first (npx nx run-many -t build)`);
  process.exit(1);
}
// As the supervisor does: .env, with the environment winning.
const envPath = join(root, '.env');
const env = { ...(existsSync(envPath) ? parseEnv(readFileSync(envPath, 'utf8')) : {}), ...process.env };
const run = createRequire(import.meta.url)(entry)[COMMANDS[command][1]];
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => controller.abort(new Error(`stopped by ${signal}`)));
const io = { stdin: process.stdin, out: (line) => console.log(line), err: (line) => console.error(line) };
process.exitCode = await run(args, env, io, controller.signal);
