/**
 * A small glob matcher for watch paths: `*` matches within one path segment, `**` any number of
 * segments (including none), `?` one character other than `/`. Everything else is literal.
 * Compiled to a regular expression from escaped pieces only, so a pattern cannot inject regex syntax.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const atSegmentStart = i === 0 || pattern[i - 1] === '/';
        i++;
        if (pattern[i + 1] === '/' && atSegmentStart) {
          // `**/` : zero or more whole directories.
          source += '(?:[^/]*/)*';
          i++;
        } else {
          source += '.*';
        }
      } else {
        source += '[^/]*';
      }
    } else if (c === '?') {
      source += '[^/]';
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** Whether a repository path (as a provider reports it, no leading `/`) matches the glob. */
export function globMatches(pattern: string, path: string): boolean {
  return globToRegExp(pattern).test(path.replace(/^\/+/, ''));
}

/** Whether any of the paths matches any of the globs. */
export function anyGlobMatches(patterns: readonly string[], paths: Iterable<string>): boolean {
  const compiled = patterns.map(globToRegExp);
  for (const path of paths) {
    const p = path.replace(/^\/+/, '');
    if (compiled.some((re) => re.test(p))) return true;
  }
  return false;
}
