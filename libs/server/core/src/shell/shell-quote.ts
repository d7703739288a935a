/**
 * The one audited way to put a value into a POSIX shell command line (remote `exec` over SSH
 * always goes through the remote user's shell). Every value is wrapped in single quotes, inside
 * which the shell interprets nothing; an embedded single quote becomes `'\''`. NUL bytes cannot
 * be represented in an argv at all, so they are refused instead of silently truncating.
 */
export class ShellQuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellQuoteError';
  }
}

export function quoteShellArg(value: string): string {
  if (typeof value !== 'string') throw new ShellQuoteError('shell argument must be a string');
  if (value.includes('\0')) throw new ShellQuoteError('shell argument contains a NUL byte');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Builds `env -- 'NAME=value' … 'program' 'arg' …` from an argv and optional environment. The
 * program and every argument are quoted, so none can introduce a second command, a redirection
 * or an expansion. `--` stops `env` from reading an assignment as an option; a program name with
 * `=` is refused because `env` would take it for one more assignment.
 */
export function buildShellCommand(argv: readonly string[], env: Readonly<Record<string, string>> = {}): string {
  if (argv.length === 0 || argv[0] === '') throw new ShellQuoteError('command needs a program');
  const assignments = Object.entries(env).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw new ShellQuoteError(`invalid environment variable name: ${JSON.stringify(name)}`);
    return quoteShellArg(`${name}=${value}`);
  });
  if (assignments.length > 0 && argv[0].includes('=')) throw new ShellQuoteError('program name must not contain "="');
  const prefix = assignments.length > 0 ? ['env', '--', ...assignments] : [];
  return [...prefix, ...argv.map(quoteShellArg)].join(' ');
}
