// npm run restore-instance -- --file <backup.zpbk> --key-file <key> [--force]: restores an instance
// backup of Zpanel's own database into DATABASE_URL's (empty) database before Zpanel starts
// (docs/backups.md, "Instance backups"). Needs a build (npx nx run-many -t build). The code is
// apps/worker/src/restore-instance.ts; this file only loads .env and runs it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/apps/worker/apps/worker/src/restore-instance.js');
if (!existsSync(entry)) {
  console.error('restore-instance: build first (npx nx run-many -t build)');
  process.exit(1);
}
// As the supervisor does: .env, with the environment winning.
const envPath = join(root, '.env');
const env = { ...(existsSync(envPath) ? parseEnv(readFileSync(envPath, 'utf8')) : {}), ...process.env };
const { restoreInstance } = createRequire(import.meta.url)(entry);
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => controller.abort(new Error(`stopped by ${signal}`)));
const io = { stdin: process.stdin, out: (line) => console.log(line), err: (line) => console.error(line) };
process.exitCode = await restoreInstance(process.argv.slice(2), env, io, controller.signal);
