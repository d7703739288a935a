// npm run migration:run: applies pending migrations under the advisory lock (the API does the
// same at boot). Needs a build (npx nx run-many -t build) and DATABASE_URL.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let database;
try {
  database = require('../dist/apps/api/libs/server/database/src');
} catch {
  console.error('migrate: build first (npx nx run-many -t build)');
  process.exit(1);
}
const { DataSource } = require('typeorm');

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\/[^/]/.test(url)) {
  console.error('migrate: DATABASE_URL must be a postgres:// URL');
  process.exit(1);
}
const dataSource = new DataSource(database.buildDataSourceOptions(url, 'zpanel-migrate'));
try {
  await dataSource.initialize();
  const applied = await database.runMigrationsWithLock(dataSource);
  console.log(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: database schema up to date');
} catch (error) {
  console.error(`migrate: failed: ${String(error?.message ?? error).replace(/\b\w+:\/\/\S+/g, '[url]')}`);
  process.exitCode = 1;
} finally {
  if (dataSource.isInitialized) await dataSource.destroy();
}
