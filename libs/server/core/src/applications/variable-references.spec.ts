import { DATABASE_REFERENCE_VARIABLES, type DatabaseReference } from '@zpanel/contracts';
import { hostileDatabaseValues } from '../databases/hostile-values';
import {
  MAX_REFERENCES_PER_VALUE,
  type ParsedValue,
  distinctReferences,
  formatReference,
  parseValueReferences,
  substituteReferences,
} from './variable-references';

const parsed = (value: string) => {
  const result = parseValueReferences(value);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(value)} to parse: ${result.problem}`);
  return result;
};
const problemOf = (value: string) => {
  const result: ParsedValue = parseValueReferences(value);
  if (result.ok) throw new Error(`expected ${JSON.stringify(value.slice(0, 80))} to be refused`);
  return result.problem;
};
/** What a test database answers: the reference written back, so the substitution shows where each went. */
const echoed = (reference: DatabaseReference) => `<${reference.database}:${reference.variable}>`;
const resolved = (value: string) => substituteReferences(parsed(value).parts, echoed);

describe(parseValueReferences.name, () => {
  it('finds a whole-value reference, with or without spaces and tabs inside the braces', () => {
    for (const value of [
      '${{ main-db.DATABASE_URL }}',
      '${{main-db.DATABASE_URL}}',
      '${{\tmain-db . DATABASE_URL\t}}',
      '${{   main-db.   DATABASE_URL}}',
    ]) {
      expect(parsed(value)).toEqual({
        ok: true,
        parts: [{ database: 'main-db', variable: 'DATABASE_URL' }],
        references: [{ database: 'main-db', variable: 'DATABASE_URL' }],
      });
    }
  });

  it('finds references embedded in a larger value, and keeps the text around them byte for byte', () => {
    const value = 'postgres://${{ db.USER }}:${{ db.PASSWORD }}@${{ db.HOST }}:${{ db.PORT }}/${{ db.NAME }}?sslmode=disable';
    expect(parsed(value).references.map((r) => r.variable)).toEqual(['USER', 'PASSWORD', 'HOST', 'PORT', 'NAME']);
    expect(resolved(value)).toBe('postgres://<db:USER>:<db:PASSWORD>@<db:HOST>:<db:PORT>/<db:NAME>?sslmode=disable');
    expect(resolved('a ${{ one.HOST }}${{ two.HOST }} b')).toBe('a <one:HOST><two:HOST> b');
    expect(resolved('line 1\n${{ cache.DATABASE_URL }}\n')).toBe('line 1\n<cache:DATABASE_URL>\n');
  });

  it('accepts every reference variable, and names the unknown one with the list', () => {
    for (const variable of DATABASE_REFERENCE_VARIABLES) expect(parsed(`\${{ db.${variable} }}`).references).toEqual([{ database: 'db', variable }]);
    expect(problemOf('${{ db.URL }}')).toBe('unknown variable URL in ${{ db.URL }}: one of DATABASE_URL, HOST, PORT, USER, PASSWORD, NAME');
    expect(problemOf('x ${{ db.database_url }} y')).toMatch(/^unknown variable database_url in /);
  });

  it('leaves values without ${{ alone: shell syntax, ${VAR}, ${ {, and }} on their own are text', () => {
    for (const value of ['', 'plain', '${PATH:-$(touch /tmp/x)} `id`', '${ { db.HOST }}', '$ {{ db.HOST }}', '{{ db.HOST }}', '}} ${', '$$HOME']) {
      expect(parsed(value)).toEqual({ ok: true, parts: [value], references: [] });
    }
  });

  it('reads $${{ as the text ${{, never as a reference', () => {
    expect(parsed('$${{ db.HOST }}')).toEqual({ ok: true, parts: ['${{ db.HOST }}'], references: [] });
    expect(resolved('run: echo "$${{ secrets.TOKEN }}" for ${{ db.HOST }}')).toBe('run: echo "${{ secrets.TOKEN }}" for <db:HOST>');
    expect(parsed('$${{').parts).toEqual(['${{']);
  });

  it('refuses a ${{ that is never closed or holds anything but <database>.<VARIABLE>, saying where', () => {
    expect(problemOf('abc ${{ db.HOST')).toBe('the ${{ at character 5 is never closed with }} (write $${{ for the text ${{ itself)');
    for (const value of [
      '${{}}',
      '${{ db }}',
      '${{ .HOST }}',
      '${{ db. }}',
      '${{ db.HOST.X }}',
      '${{ db HOST }}',
      '${{ a.b.c }}',
      '${{ db.HOST }',
      '${{ db\n.HOST }}',
    ]) {
      expect(problemOf(value)).toMatch(/^the \$\{\{ at character 1 is (not a reference: write \$\{\{ <database>\.<VARIABLE> \}\}|never closed)/);
    }
    expect(problemOf('${{ Main-DB.HOST }}')).toBe('Main-DB at character 1 is not a database name (1-40 lower-case letters, digits and dashes)');
    expect(problemOf('${{ -db.HOST }}')).toMatch(/^-db at character 1 is not a database name/);
    expect(problemOf(`\${{ ${'a'.repeat(41)}.HOST }}`)).toMatch(/^a{41} at character 1 is not a database name/);
    // The first problem of a value is reported, even after good references.
    expect(problemOf('${{ db.HOST }} ${{ db.NOPE }}')).toMatch(/^unknown variable NOPE/);
  });

  it(`refuses more than ${MAX_REFERENCES_PER_VALUE} references in one value`, () => {
    expect(parsed('${{ db.HOST }}'.repeat(MAX_REFERENCES_PER_VALUE)).references).toHaveLength(MAX_REFERENCES_PER_VALUE);
    expect(problemOf('${{ db.HOST }}'.repeat(MAX_REFERENCES_PER_VALUE + 1))).toBe(`at most ${MAX_REFERENCES_PER_VALUE} references in one value`);
  });

  it('takes every hostile value as text, as a database name and as a variable: text stays byte-exact, a name or variable is refused, never thrown', () => {
    const canary = '/tmp/zp-pwned-references';
    for (const hostile of hostileDatabaseValues(canary)) {
      const label = JSON.stringify(hostile.slice(0, 30));
      // Around a reference, as the whole value: the text reaches the environment unchanged.
      expect({ label, value: resolved(`${hostile}\${{ db.HOST }}${hostile}`) }).toEqual({ label, value: `${hostile}<db:HOST>${hostile}` });
      if (!hostile.includes('${{')) expect({ label, parts: parsed(hostile).parts }).toEqual({ label, parts: [hostile] });
      for (const value of [`\${{ ${hostile}.HOST }}`, `\${{ db.${hostile} }}`]) {
        const result = parseValueReferences(value);
        expect({ label, ok: result.ok }).toEqual({ label, ok: false });
        // The echo is cut: a 10 MB name does not come back in the message.
        if (!result.ok) expect(result.problem.length).toBeLessThan(300);
      }
    }
  });
});

describe(distinctReferences.name, () => {
  it('keeps each reference once, in the order they first appear', () => {
    const references = parsed('${{ b.HOST }} ${{ a.PORT }} ${{ b.HOST }} ${{ b.PORT }}').references;
    expect(distinctReferences(references).map(formatReference)).toEqual(['${{ b.HOST }}', '${{ a.PORT }}', '${{ b.PORT }}']);
  });
});

describe(substituteReferences.name, () => {
  it('passes what the resolver throws through (a reference that does not resolve fails the whole value)', () => {
    const { parts } = parsed('x ${{ gone.HOST }}');
    expect(() =>
      substituteReferences(parts, () => {
        throw new Error('no database gone');
      }),
    ).toThrow('no database gone');
  });
});
