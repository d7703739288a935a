import type { ObjectLiteral, Repository } from 'typeorm';
import type { TeamScope } from './team-scope';

/** Rows of the team per value of `column`, for the given values: one query for a whole page of parents. */
export async function countPer<E extends ObjectLiteral>(
  rows: Repository<E>,
  team: TeamScope,
  column: string,
  ids: string[],
  condition = 'TRUE',
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const counted = (await rows
    .createQueryBuilder('r')
    .select(`r.${column}`, 'id')
    .addSelect('count(*)::int', 'count')
    .where(`r.${column} IN (:...ids)`, { ids })
    .andWhere('r.team_id = :teamId', { teamId: team.teamId })
    .andWhere(condition)
    .groupBy(`r.${column}`)
    .getRawMany()) as { id: string; count: number }[];
  return new Map(counted.map((r) => [r.id, r.count]));
}
