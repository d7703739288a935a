declare const checked: unique symbol;

/**
 * A team whose access has been checked. Team-owned repositories take one instead of a bare id, so a
 * query for a team's rows cannot be written without the team, and passing an unchecked string does
 * not compile. The API's access layer makes one after it has checked the caller's membership; the
 * worker makes one from the team id stored on the row its job names.
 */
export interface TeamScope {
  readonly teamId: string;
  readonly [checked]: true;
}

export function teamScope(teamId: string): TeamScope {
  return { teamId } as TeamScope;
}
