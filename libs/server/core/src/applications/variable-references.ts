import { DATABASE_REFERENCE_VARIABLES, type DatabaseReference, type DatabaseReferenceVariable } from '@zpanel/contracts';
import { APP_NAME } from './application-fields';

/**
 * `${{ <database>.<VARIABLE> }}` in a variable's value (docs/databases.md, Linking): replaced at each
 * deployment by what the named database of the application's environment answers to the variable. A
 * reference may sit anywhere in a value (`postgres://${{ db.USER }}@…`); `$${{` is the text `${{`
 * itself. References only name databases, never other variables, so resolving never recurses and no
 * cycle can form. Nothing here runs anything: the resolved value is an environment value like any other.
 */

const OPEN = '${{';
const CLOSE = '}}';
/** Spaces and tabs may surround the name, the dot and the variable. */
const INNER = /^[ \t]*([A-Za-z0-9_-]+)[ \t]*\.[ \t]*([A-Za-z0-9_]+)[ \t]*$/;
/** Each reference of a value is resolved once per deployment; bounded so a value stays about its stored size. */
export const MAX_REFERENCES_PER_VALUE = 50;
/** Longest text echoed back in a problem (the user's own input, cut). */
const ECHO_MAX = 60;

/** A value cut into its text and its references, in order. */
export type ValuePart = string | DatabaseReference;

export type ParsedValue = { ok: true; parts: ValuePart[]; references: DatabaseReference[] } | { ok: false; problem: string };

const echo = (text: string) => (text.length > ECHO_MAX ? `${text.slice(0, ECHO_MAX)}…` : text);

/** `${{ main-db.DATABASE_URL }}`, as the docs and the problems write a reference. */
export function formatReference(reference: DatabaseReference): string {
  return `\${{ ${reference.database}.${reference.variable} }}`;
}

const isVariable = (name: string): name is DatabaseReferenceVariable => (DATABASE_REFERENCE_VARIABLES as readonly string[]).includes(name);

/**
 * The value's text and references, or the first problem in words for a person (a 400's message, a
 * failed deployment's reason). A value without `${{` is one text part, byte for byte.
 */
export function parseValueReferences(value: string): ParsedValue {
  const parts: ValuePart[] = [];
  const references: DatabaseReference[] = [];
  let text = '';
  let at = 0;
  for (;;) {
    const open = value.indexOf(OPEN, at);
    if (open < 0) break;
    if (open > 0 && value[open - 1] === '$') {
      // `$${{`: the text `${{`, the escaping `$` dropped.
      text += value.slice(at, open - 1) + OPEN;
      at = open + OPEN.length;
      continue;
    }
    const close = value.indexOf(CLOSE, open + OPEN.length);
    const position = `at character ${open + 1}`;
    if (close < 0) return { ok: false, problem: `the \${{ ${position} is never closed with }} (write $\${{ for the text \${{ itself)` };
    const match = INNER.exec(value.slice(open + OPEN.length, close));
    if (!match)
      return {
        ok: false,
        problem: `the \${{ ${position} is not a reference: write \${{ <database>.<VARIABLE> }}, or $\${{ for the text \${{ itself`,
      };
    const [, database, variable] = match;
    if (!APP_NAME.test(database))
      return { ok: false, problem: `${echo(database)} ${position} is not a database name (1-40 lower-case letters, digits and dashes)` };
    if (!isVariable(variable))
      return {
        ok: false,
        problem: `unknown variable ${echo(variable)} in \${{ ${echo(database)}.${echo(variable)} }}: one of ${DATABASE_REFERENCE_VARIABLES.join(', ')}`,
      };
    if (references.length === MAX_REFERENCES_PER_VALUE) return { ok: false, problem: `at most ${MAX_REFERENCES_PER_VALUE} references in one value` };
    text += value.slice(at, open);
    if (text !== '') parts.push(text);
    text = '';
    const reference = { database, variable };
    parts.push(reference);
    references.push(reference);
    at = close + CLOSE.length;
  }
  text += value.slice(at);
  if (text !== '' || parts.length === 0) parts.push(text);
  return { ok: true, parts, references };
}

/** The distinct references, each once, in the order they first appear. */
export function distinctReferences(references: readonly DatabaseReference[]): DatabaseReference[] {
  const seen = new Map<string, DatabaseReference>();
  for (const reference of references) {
    const key = `${reference.database}.${reference.variable}`;
    if (!seen.has(key)) seen.set(key, reference);
  }
  return [...seen.values()];
}

/** The value with each reference replaced by what `resolve` answers for it (which throws for one it cannot resolve). */
export function substituteReferences(parts: readonly ValuePart[], resolve: (reference: DatabaseReference) => string): string {
  return parts.map((part) => (typeof part === 'string' ? part : resolve(part))).join('');
}
