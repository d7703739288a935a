/**
 * Globs for watch paths and deployTags, matched in time linear in the path.
 *
 * Why not a library: picomatch and minimatch compile a glob to a JavaScript RegExp, and V8's
 * backtracking engine takes exponential time on patterns like `*a*a*a*a*a*a*c` against a long
 * run of `a`s (measured with picomatch 4: 80 `a`s took 2.7 s, and each extra `a` adds more); the
 * patterns come from users and the paths from webhook payloads, so both sides are hostile. Here a
 * glob is compiled to a list of tokens and matched by simulating the automaton (the set of token
 * positions reachable so far), which costs at most tokens x characters steps, with a budget on top.
 *
 * Syntax:
 * - `*` any run of characters within one `/`-separated part; `?` one character other than `/`;
 * - `**` as a whole part: any number of parts (`src/**` everything under src, `**\/Dockerfile` a
 *   Dockerfile at any depth); elsewhere `**` is any run of characters, `/` included;
 * - `[ab]`, `[a-z0-9]`, `[!ab]` / `[^ab]`: one character (never `/`) in, or not in, the set;
 * - `{a,b}`: either alternative (nesting allowed), at most GLOB_LIMITS.alternatives per pattern;
 * - in a list of watch paths, a leading `!` makes a pattern negative: a changed file counts when it
 *   matches some positive pattern and no negative one (so the list needs a positive pattern).
 * Everything else is literal; the allowed characters are checked at save (application-fields.ts).
 */

export const GLOB_LIMITS = {
  /** Characters in one pattern. */
  patternLength: 255,
  /** Patterns a `{...}` expands to, per pattern. */
  alternatives: 32,
  /** Patterns after expansion, over a whole list of watch paths. */
  totalAlternatives: 256,
  /** Characters of a changed path that is checked; a longer one is not checked (the push deploys). */
  pathLength: 1024,
  /** Changed files checked; with more, the push deploys without checking. */
  changedFiles: 5000,
  /**
   * Automaton steps spent on one push and application; past that the push deploys without checking.
   * Measured at 15-20 million steps a second, so a hostile list blocks the event loop for tens of
   * milliseconds at most and the check can stay there; real lists stop at the first differing character.
   */
  steps: 2_000_000,
} as const;

type Token =
  | { kind: 'char'; char: string }
  | { kind: 'one' }
  | { kind: 'class'; negated: boolean; ranges: [string, string][] }
  /** Zero or more characters; `slash` whether `/` is one of them. */
  | { kind: 'run'; slash: boolean }
  /** Consumes nothing: goes on at the next token, or `jump` tokens further (`**\/` may match nothing at all). */
  | { kind: 'fork'; jump: number };

export interface CompiledGlob {
  negated: boolean;
  alternatives: Token[][];
}

export class GlobSyntaxError extends Error {}

/** `{a,b}` expanded, innermost first; throws past the cap or on unbalanced braces. */
function expandBraces(pattern: string, cap: number): string[] {
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '[') {
      // A class is never split by brace expansion.
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) throw new GlobSyntaxError('has a [ without its ]');
      i = close;
    } else if (c === '{') open = i;
    else if (c === '}') {
      if (open < 0) throw new GlobSyntaxError('has a } without its {');
      const inner = pattern.slice(open + 1, i);
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      const out: string[] = [];
      for (const option of inner.split(',')) {
        for (const expanded of expandBraces(head + option + tail, cap)) {
          out.push(expanded);
          if (out.length > cap) throw new GlobSyntaxError(`expands to more than ${cap} alternatives`);
        }
      }
      return [...new Set(out)];
    }
  }
  if (open >= 0) throw new GlobSyntaxError('has a { without its }');
  if (pattern.includes(',')) throw new GlobSyntaxError('has a , outside {...}');
  return [pattern];
}

function parseClass(pattern: string, start: number): { token: Token; end: number } {
  const close = pattern.indexOf(']', start + 1);
  if (close < 0) throw new GlobSyntaxError('has a [ without its ]');
  let body = pattern.slice(start + 1, close);
  const negated = body.startsWith('!') || body.startsWith('^');
  if (negated) body = body.slice(1);
  if (body.length === 0) throw new GlobSyntaxError('has an empty [...]');
  const ranges: [string, string][] = [];
  for (let i = 0; i < body.length; i++) {
    const from = body[i];
    if (from === '/' || from === '[' || from === '!' || from === '^') throw new GlobSyntaxError(`cannot have ${from} inside [...]`);
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const to = body[i + 2];
      if (to < from) throw new GlobSyntaxError(`has the backwards range ${from}-${to}`);
      ranges.push([from, to]);
      i += 2;
    } else {
      ranges.push([from, from]);
    }
  }
  return { token: { kind: 'class', negated, ranges }, end: close };
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      let stars = 1;
      while (pattern[i + 1] === '*') {
        stars++;
        i++;
      }
      const atPartStart = i - stars + 1 === 0 || pattern[i - stars] === '/';
      if (stars > 1 && atPartStart && pattern[i + 1] === '/') {
        // `**/`: nothing, or anything that ends with `/`.
        tokens.push({ kind: 'fork', jump: 3 }, { kind: 'run', slash: true }, { kind: 'char', char: '/' });
        i++;
      } else {
        tokens.push({ kind: 'run', slash: stars > 1 });
      }
    } else if (c === '?') {
      tokens.push({ kind: 'one' });
    } else if (c === '[') {
      const { token, end } = parseClass(pattern, i);
      tokens.push(token);
      i = end;
    } else if (c === ']') {
      throw new GlobSyntaxError('has a ] without its [');
    } else {
      tokens.push({ kind: 'char', char: c });
    }
  }
  return tokens;
}

/** Parses a glob; throws GlobSyntaxError with a message for a person. */
export function compileGlob(pattern: string, options: { allowNegation?: boolean } = {}): CompiledGlob {
  if (pattern.length === 0) throw new GlobSyntaxError('is empty');
  if (pattern.length > GLOB_LIMITS.patternLength) throw new GlobSyntaxError(`is longer than ${GLOB_LIMITS.patternLength} characters`);
  let body = pattern;
  const negated = body.startsWith('!');
  if (negated) {
    if (!options.allowNegation) throw new GlobSyntaxError('cannot start with ! here');
    body = body.slice(1);
    if (body.length === 0 || body.startsWith('!')) throw new GlobSyntaxError('needs a pattern after its single !');
  }
  return { negated, alternatives: expandBraces(body, GLOB_LIMITS.alternatives).map(tokenize) };
}

/** The patterns a glob expands to (`{a,b}` written out), for checks on each of them. */
export function globAlternatives(pattern: string): string[] {
  return expandBraces(pattern.startsWith('!') ? pattern.slice(1) : pattern, GLOB_LIMITS.alternatives);
}

class Budget {
  constructor(public left: number) {}
}

const inClass = (token: Extract<Token, { kind: 'class' }>, c: string) => token.ranges.some(([from, to]) => c >= from && c <= to) !== token.negated;

/** One expanded pattern against one path, by automaton simulation; null when the budget ran out. */
function matchTokens(tokens: Token[], path: string, budget: Budget): boolean | null {
  const n = tokens.length;
  let current = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  let active: number[] = [];
  let upcoming: number[] = [];
  // Recursion depth is at most the number of tokens: epsilon moves only go forward.
  const add = (set: Uint8Array, list: number[], s: number): void => {
    if (set[s]) return;
    set[s] = 1;
    list.push(s);
    const token = tokens[s];
    if (token?.kind === 'run') add(set, list, s + 1);
    else if (token?.kind === 'fork') {
      add(set, list, s + 1);
      add(set, list, s + token.jump);
    }
  };
  add(current, active, 0);
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    budget.left -= active.length + 1;
    if (budget.left < 0) return null;
    for (const s of active) {
      const token = tokens[s];
      if (!token) continue;
      switch (token.kind) {
        case 'char':
          if (c === token.char) add(next, upcoming, s + 1);
          break;
        case 'one':
          if (c !== '/') add(next, upcoming, s + 1);
          break;
        case 'class':
          if (c !== '/' && inClass(token, c)) add(next, upcoming, s + 1);
          break;
        case 'run':
          if (token.slash || c !== '/') add(next, upcoming, s);
          break;
        case 'fork':
          break;
      }
    }
    if (upcoming.length === 0) return false;
    for (const s of active) current[s] = 0;
    [current, next] = [next, current];
    [active, upcoming] = [upcoming, active];
    upcoming.length = 0;
  }
  return current[n] === 1;
}

function matchCompiled(glob: CompiledGlob, path: string, budget: Budget): boolean | null {
  for (const tokens of glob.alternatives) {
    const matched = matchTokens(tokens, path, budget);
    if (matched !== false) return matched;
  }
  return false;
}

/** Whether one of `globs` matches (they are tried in order); null once the budget is spent. */
function matchAny(globs: readonly CompiledGlob[], path: string, budget: Budget): boolean | null {
  for (const glob of globs) {
    const matched = matchCompiled(glob, path, budget);
    if (matched !== false) return matched;
  }
  return false;
}

const relative = (path: string) => path.replace(/^\/+/, '');

/** Whether a name or repository path (no leading `/` needed) matches one glob (no negation). Throws GlobSyntaxError on a bad glob. */
export function globMatches(pattern: string, path: string): boolean {
  const p = relative(path);
  if (p.length > GLOB_LIMITS.pathLength) return false;
  return matchCompiled(compileGlob(pattern), p, new Budget(GLOB_LIMITS.steps)) === true;
}

/** `match`: some path matches some positive pattern and no negative one; `unchecked`: past a cap, nothing decided. */
export type WatchPathsResult = { result: 'match'; path: string } | { result: 'no-match' } | { result: 'unchecked'; reason: string };

/** Whether a push that changed `paths` concerns the watch paths (see the file comment for negation). */
export function matchWatchPaths(patterns: readonly string[], paths: readonly string[]): WatchPathsResult {
  let compiled: CompiledGlob[];
  try {
    compiled = patterns.map((p) => compileGlob(p, { allowNegation: true }));
  } catch {
    // Saved patterns are checked at save; one that no longer parses must not silently stop deployments.
    return { result: 'unchecked', reason: 'a watch path is not a valid glob' };
  }
  if (paths.length > GLOB_LIMITS.changedFiles) return { result: 'unchecked', reason: `more than ${GLOB_LIMITS.changedFiles} changed files` };
  const positive = compiled.filter((g) => !g.negated);
  const negative = compiled.filter((g) => g.negated);
  const budget = new Budget(GLOB_LIMITS.steps);
  let unchecked: string | null = null;
  for (const raw of paths) {
    const path = relative(raw);
    if (path.length > GLOB_LIMITS.pathLength) {
      unchecked = `a changed path is longer than ${GLOB_LIMITS.pathLength} characters`;
      continue;
    }
    const included = matchAny(positive, path, budget);
    const excluded = included ? matchAny(negative, path, budget) : false;
    if (included === null || excluded === null)
      return { result: 'unchecked', reason: 'the watch paths take too long to compare with the changed files' };
    if (included && !excluded) return { result: 'match', path };
  }
  return unchecked ? { result: 'unchecked', reason: unchecked } : { result: 'no-match' };
}
