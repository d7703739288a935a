import { DATABASE_DEFAULT_IMAGES, DATABASE_ENGINES } from '@zpanel/contracts';
import { imageTagChangeProblem, parseEngineTag } from './engine-tags';
import { hostileDatabaseValues } from './hostile-values';

describe(parseEngineTag.name, () => {
  it.each([
    ['17', [17], null],
    ['17.2', [17, 2], null],
    ['17-alpine', [17], 'alpine'],
    ['8.0.36', [8, 0, 36], null],
    ['11.4', [11, 4], null],
    ['7.2-alpine', [7, 2], 'alpine'],
    ['16.4-bookworm', [16, 4], 'bookworm'],
    ['7.2.5-alpine3.20', [7, 2, 5], 'alpine3.20'],
  ])('reads %s as %j %s', (tag, version, variant) => {
    expect(parseEngineTag(tag)).toEqual({ version, variant });
  });

  it('reads every default image’s tag', () => {
    for (const engine of DATABASE_ENGINES) expect(parseEngineTag(DATABASE_DEFAULT_IMAGES[engine].split(':')[1])).not.toBeNull();
  });

  it('is null for what is not a version tag', () => {
    for (const tag of ['latest', 'alpine', 'bookworm', '', 'v17', '17.', '17..2', '1.2.3.4', '17-', '17-Alpine', '17 ', '12345']) {
      expect(parseEngineTag(tag)).toBeNull();
    }
  });

  it('is null for every hostile value, NUL, non-UTF-8 and 10 MB included', () => {
    for (const value of hostileDatabaseValues('/tmp/pwned')) expect(parseEngineTag(value)).toBeNull();
    expect(parseEngineTag('17-alpine; touch /tmp/pwned')).toBeNull();
    expect(parseEngineTag('17\n')).toBeNull();
  });
});

describe(imageTagChangeProblem.name, () => {
  it.each([
    ['postgresql', '17', '17.2'],
    ['postgresql', '17.2', '17.1'],
    ['postgresql', '17-alpine', '17.2-alpine3.20'],
    ['postgresql', '16.4-bookworm', '16.4'],
    ['mysql', '8.0.36', '8.0.40'],
    ['mysql', '8', '8.4'],
    ['mysql', '8.0.36', '8'],
    ['mariadb', '11.4', '11.4.5'],
    ['mariadb', '11', '11.4'],
    ['redis', '7', '7.2-alpine'],
    ['redis', '7.2', '7.4-alpine'],
  ] as const)('lets %s move from %s to %s', (engine, from, to) => {
    expect(imageTagChangeProblem(engine, from, to)).toBeNull();
  });

  it('refuses a PostgreSQL major upgrade, and says why', () => {
    expect(imageTagChangeProblem('postgresql', '16', '17')).toBe(
      'PostgreSQL 16 data cannot be opened by PostgreSQL 17: a major upgrade needs pg_upgrade or a dump and restore, so only 16.x tags are accepted here',
    );
    expect(imageTagChangeProblem('postgresql', '17.2', '16.6')).toMatch(/^PostgreSQL 17 data cannot be opened by PostgreSQL 16/);
  });

  it('refuses other engines’ major changes', () => {
    expect(imageTagChangeProblem('mysql', '8.0.36', '9.0')).toBe('MySQL can change tag only within major version 8');
    expect(imageTagChangeProblem('mariadb', '11.4', '10.11')).toBe('MariaDB can change tag only within major version 11');
    expect(imageTagChangeProblem('redis', '7.2-alpine', '8')).toBe('Redis can change tag only within major version 7');
  });

  it('refuses moving PostgreSQL between Alpine and Debian images (text sorts differently)', () => {
    expect(imageTagChangeProblem('postgresql', '17', '17-alpine')).toMatch(/^cannot move between Alpine and Debian/);
    expect(imageTagChangeProblem('postgresql', '17.2-alpine3.20', '17.2-bookworm')).toMatch(/^cannot move between Alpine and Debian/);
    expect(imageTagChangeProblem('redis', '7', '7-alpine')).toBeNull();
  });

  it('refuses a MySQL, MariaDB or Redis downgrade within the major version', () => {
    expect(imageTagChangeProblem('redis', '7.4', '7.2')).toMatch(/^Redis cannot be downgraded/);
    expect(imageTagChangeProblem('mysql', '8.4', '8.0.36')).toBe(
      'MySQL cannot be downgraded (8.4 to 8.0.36): its data files may already be in a newer format',
    );
    expect(imageTagChangeProblem('mariadb', '11.4.2', '11.4.1')).toMatch(/^MariaDB cannot be downgraded/);
  });

  it('refuses tags that are not versions, from either side', () => {
    expect(imageTagChangeProblem('postgresql', '17', 'latest')).toBe('must be a version tag like 17, 17.2, 17-alpine or 8.0.36');
    expect(imageTagChangeProblem('redis', 'latest', '7')).toMatch(/^the current tag is not a version tag/);
  });

  it('refuses every hostile value as either tag, and never repeats it back', () => {
    for (const engine of DATABASE_ENGINES) {
      for (const value of hostileDatabaseValues('/tmp/pwned')) {
        expect(imageTagChangeProblem(engine, '7', value)).toBe('must be a version tag like 17, 17.2, 17-alpine or 8.0.36');
        expect(imageTagChangeProblem(engine, value, '7')).toMatch(/^the current tag is not a version tag/);
      }
    }
  });
});
