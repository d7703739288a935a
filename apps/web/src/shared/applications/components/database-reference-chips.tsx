import type { DatabaseDto, DatabaseReference } from '@zpanel/contracts';
import { Link } from 'react-router';

interface DatabaseReferenceChipsProps {
  references: readonly DatabaseReference[];
  /** The environment's databases once listed (undefined: loading, failed, or unknown environment): a chip of a listed one links to its page. */
  databases?: readonly DatabaseDto[];
}

/**
 * "linked: main-db.USER" for each reference of a variable (from `references`, so viewers see them
 * too), each linking to its database's page. A name no database of the environment has is said so:
 * the next deployment fails at `source` until it exists again.
 */
export function DatabaseReferenceChips({ references, databases }: DatabaseReferenceChipsProps) {
  const unique = [...new Map(references.map((r) => [`${r.database}.${r.variable}`, r])).entries()];
  return (
    <span className="env-vars__references" data-testid="env-var-references">
      {unique.map(([text, reference]) => {
        const database = databases?.find((d) => d.name === reference.database);
        const label = `linked: ${text}`;
        const reads = `\${{ ${text} }}`;
        if (database) {
          return (
            <Link key={text} to={`/databases/${database.id}`} className="tag env-vars__linked" title={`${reads}: open ${database.name}`}>
              {label}
            </Link>
          );
        }
        const missing = databases !== undefined;
        return (
          <span
            key={text}
            className={missing ? 'tag env-vars__linked env-vars__linked--missing' : 'tag env-vars__linked'}
            title={missing ? `${reads}: no database ${reference.database} in this environment (deleted?); the next deployment fails` : reads}
          >
            {label}
          </span>
        );
      })}
    </span>
  );
}
