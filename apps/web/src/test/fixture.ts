/** A test data factory: fresh defaults at each call (some are relative to now), the overrides on top. */
export function fixture<T>(defaults: () => T) {
  return (overrides: Partial<T> = {}): T => ({ ...defaults(), ...overrides });
}
