import { randomUUID } from 'node:crypto';
import { AppException } from '@zpanel/core';
import { validateUploadQuery } from './backups.dto';

/** The fields a refusal names, or the checked query. */
function check(query: Record<string, unknown>) {
  try {
    return { query: validateUploadQuery(query) };
  } catch (error) {
    if (!(error instanceof AppException)) throw error;
    return { status: error.status, fields: [...new Set((error.errors ?? []).map((f) => f.field))].sort() };
  }
}

describe(validateUploadQuery.name, () => {
  const destinationId = randomUUID();

  it('is a restore over the same database by default, as the route always was', () => {
    expect(check({ destinationId, confirmName: 'main-db' })).toEqual({
      query: { target: 'same', confirmName: 'main-db', newDatabaseName: undefined, destinationId },
    });
  });

  it('takes a new database by the rules of a backup’s restore, with no name typed', () => {
    expect(check({ destinationId, target: 'new', newDatabaseName: 'main-db-copy' })).toEqual({
      query: { target: 'new', confirmName: undefined, newDatabaseName: 'main-db-copy', destinationId },
    });
  });

  it.each([
    ['no name typed for the same database', { destinationId }, ['confirmName']],
    ['a verify restore (nothing would be kept)', { destinationId, target: 'verify' }, ['target']],
    ['an unknown target', { destinationId, target: 'other', newDatabaseName: 'x' }, ['target']],
    ['a new database without its name', { destinationId, target: 'new' }, ['newDatabaseName']],
    ['a new name against the rules', { destinationId, target: 'new', newDatabaseName: '../x' }, ['newDatabaseName']],
    ['a repeated field', { destinationId, target: ['new', 'new'], newDatabaseName: 'x' }, ['target']],
    ['no destination', { target: 'new', newDatabaseName: 'x' }, ['destinationId']],
    ['a destination that is no id', { destinationId: 'offsite', confirmName: 'main-db' }, ['destinationId']],
    ['an unknown field', { destinationId, confirmName: 'main-db', verify: 'true' }, ['verify']],
  ])('refuses %s with a 400 naming the field', (_what, query, fields) => {
    expect(check(query)).toEqual({ status: 400, fields });
  });
});
