import type { DatabaseEngine } from '@zpanel/contracts';
import { imageTag } from '../applications/application-fields';

/** An engine image's version tag: `17`, `17.2`, `17-alpine`, `8.0.36`, `11.4`, `7.2-alpine`. */
export interface EngineTag {
  /** The version's numbers, most significant first (1 to 3 of them). */
  version: number[];
  /** What follows the version (`alpine`, `bookworm`, `alpine3.20`), or null. */
  variant: string | null;
}

const VERSION_TAG = /^(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,4}))?(?:-([a-z0-9][a-z0-9._-]{0,63}))?$/;

/** The tag as a version, or null for what is not one (`latest`, `alpine`, `bookworm`). */
export function parseEngineTag(tag: string): EngineTag | null {
  if (imageTag(tag) !== null) return null;
  const match = VERSION_TAG.exec(tag);
  if (!match) return null;
  const [, ...rest] = match;
  const numbers = rest.slice(0, 3).filter((part): part is string => part !== undefined);
  return { version: numbers.map(Number), variant: rest[3] ?? null };
}

const ENGINE_NAMES: Record<DatabaseEngine, string> = { postgresql: 'PostgreSQL', mysql: 'MySQL', mariadb: 'MariaDB', redis: 'Redis' };

/** -1, 0 or 1 over the numbers both versions give (`8` against `8.0.36` compares only the 8). */
function compareCommon(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/**
 * Why a running database may not move from image tag `from` to `to` (it is recreated on the same data
 * volume), or null when it may. Only a version tag within the same major version is accepted:
 * - a PostgreSQL major version stores its data directory in a format the next one cannot open
 *   (it needs pg_upgrade or a dump and restore), and moving between Alpine (musl) and Debian (glibc)
 *   images changes how text sorts, which silently corrupts text indexes;
 * - MySQL and MariaDB upgrade their data dictionary when they start, and a newer Redis writes its
 *   persistence files in an RDB version an older one cannot read, so for them a downgrade within the
 *   major version is refused too (moving tags like `8` are compared on the numbers they give);
 * - PostgreSQL minor releases never change the storage format, so they move either way.
 */
export function imageTagChangeProblem(engine: DatabaseEngine, from: string, to: string): string | null {
  const name = ENGINE_NAMES[engine];
  const current = parseEngineTag(from);
  if (!current)
    return 'the current tag is not a version tag, so whether a change is safe cannot be judged; recreate the database from a backup instead';
  const next = parseEngineTag(to);
  if (!next) return 'must be a version tag like 17, 17.2, 17-alpine or 8.0.36';
  if (next.version[0] !== current.version[0]) {
    return engine === 'postgresql'
      ? `PostgreSQL ${current.version[0]} data cannot be opened by PostgreSQL ${next.version[0]}: a major upgrade needs pg_upgrade or a dump and restore, so only ${current.version[0]}.x tags are accepted here`
      : `${name} can change tag only within major version ${current.version[0]}`;
  }
  if (engine === 'postgresql' && (current.variant?.startsWith('alpine') ?? false) !== (next.variant?.startsWith('alpine') ?? false)) {
    return 'cannot move between Alpine and Debian PostgreSQL images: they sort text differently, which corrupts existing text indexes';
  }
  if (engine !== 'postgresql' && compareCommon(next.version, current.version) < 0) {
    return `${name} cannot be downgraded (${from} to ${to}): its data files may already be in a newer format`;
  }
  return null;
}
