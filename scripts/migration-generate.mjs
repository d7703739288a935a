// npm run migration:generate -- <kebab-name>: builds, then lets TypeORM diff the entities against
// the database in DATABASE_URL (or .env) and write libs/server/database/src/migrations/<ts>-<name>.ts.
// Register the new class in migrations/index.ts (the list is explicit so builds cannot miss one).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

const name = process.argv[2];
if (!name || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
  console.error('usage: npm run migration:generate -- <kebab-case-name>');
  process.exit(2);
}
const env = { ...(existsSync('.env') ? parseEnv(readFileSync('.env', 'utf8')) : {}), ...process.env };
if (!env.DATABASE_URL) {
  console.error('migration:generate: DATABASE_URL is not set (run npm start once, or export it)');
  process.exit(1);
}
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit', env });
run('npx', ['nx', 'run', 'api:build', '--output-style=static']);
run('node', ['scripts/migrate.mjs']);
run('npx', [
  'typeorm',
  'migration:generate',
  `libs/server/database/src/migrations/${name}`,
  '--dataSource',
  'dist/apps/api/libs/server/database/src/cli-data-source.js',
  '--pretty',
]);
console.log('Now add the new class to libs/server/database/src/migrations/index.ts');
