/** What decides which of a deployment's variables wins: where it was set. */
export interface ScopedVariable {
  key: string;
  /** Set on the environment (shared by its applications) rather than on the application. */
  environmentId: string | null;
  /** An application's preview override (only a preview deployment reads them). */
  preview: boolean;
}

/**
 * One variable per key, sorted by key: a preview override wins over the application's own value,
 * which wins over the environment's shared one.
 */
export function effectiveVariables<V extends ScopedVariable>(variables: readonly V[]): V[] {
  const rank = (v: V) => (v.environmentId ? 0 : v.preview ? 2 : 1);
  const byKey = new Map<string, V>();
  for (const variable of variables) {
    const existing = byKey.get(variable.key);
    if (!existing || rank(variable) > rank(existing)) byKey.set(variable.key, variable);
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}
