import type { ObjectLiteral, Repository } from 'typeorm';

/**
 * Inserts a run `queued` with an empty log, or returns null when a unique index refuses it (one
 * active run per database, schedule...). One statement with ON CONFLICT DO NOTHING, so of two
 * concurrent requests exactly one gets in, and a transaction the caller holds is not aborted by the refusal.
 */
export async function insertQueued<E extends ObjectLiteral & { id: string }>(
  rows: Repository<E>,
  values: Record<string, unknown>,
): Promise<E | null> {
  const inserted = await rows
    .createQueryBuilder()
    .insert()
    .values({ ...values, status: 'queued', log: '' } as never)
    .orIgnore()
    .returning(['id'])
    .execute();
  const id = (inserted.raw as { id: string }[])[0]?.id;
  return id === undefined ? null : rows.findOneByOrFail({ id } as never);
}
