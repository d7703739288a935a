import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';

// Entry for the TypeORM CLI (`npm run migration:generate`), which needs a module exporting one DataSource.
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required to generate migrations');

export default new DataSource(buildDataSourceOptions(url, 'zpanel-cli'));
