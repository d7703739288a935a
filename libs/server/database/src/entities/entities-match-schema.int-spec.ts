import { useMigratedDatabase } from '../testing';

interface SchemaColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
}

/**
 * Entities describe tables that only migrations create (no synchronize), so nothing else notices when
 * an entity and the migrated schema drift apart, e.g. after moving columns into a base class: every
 * mapped column must exist with the same type and nullability.
 */
describe('entities against the migrated schema', () => {
  const db = useMigratedDatabase('entities-schema');

  it('maps only columns the migrations created, with their types and nullability', async () => {
    const rows: SchemaColumn[] = await db.source.query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const schema = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const mismatches: string[] = [];
    let checked = 0;
    for (const entity of db.source.entityMetadatas) {
      for (const column of entity.columns) {
        const key = `${entity.tableName}.${column.databaseName}`;
        const actual = schema.get(key);
        checked += 1;
        if (!actual) {
          mismatches.push(`${key}: no such column`);
          continue;
        }
        const declared = db.source.driver.normalizeType(column);
        const actualType = actual.data_type === 'ARRAY' ? actual.udt_name.replace(/^_/, '') : actual.data_type;
        const declaredType = column.isArray ? db.source.driver.normalizeType({ ...column, isArray: false } as typeof column) : declared;
        if (!sameType(declaredType, actualType)) mismatches.push(`${key}: entity ${declaredType}, schema ${actualType}`);
        if (column.isNullable !== (actual.is_nullable === 'YES')) {
          mismatches.push(
            `${key}: entity ${column.isNullable ? 'nullable' : 'not null'}, schema ${actual.is_nullable === 'YES' ? 'nullable' : 'not null'}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
});

/** Postgres reports `timestamp with time zone` where TypeORM says `timestamptz`, `int4` for an integer array, … */
function sameType(declared: string, actual: string): boolean {
  const aliases: Record<string, string> = {
    timestamptz: 'timestamp with time zone',
    timestamp: 'timestamp without time zone',
    int4: 'integer',
    int8: 'bigint',
    int: 'integer',
    varchar: 'character varying',
    'character varying': 'character varying',
    bool: 'boolean',
    float8: 'double precision',
    float4: 'real',
  };
  const canonical = (t: string) => aliases[t] ?? t;
  return canonical(declared) === canonical(actual);
}
