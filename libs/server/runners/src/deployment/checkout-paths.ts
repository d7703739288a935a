import { ReasonError } from '@zpanel/core';
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

const CODES = { missing: 'checkout.path_missing', outside: 'checkout.path_outside', loop: 'checkout.path_loop' } as const;

/**
 * A path of the application's settings cannot be used in this checkout: it is missing, or it leads
 * outside the checkout (or the build context) through a symbolic link. The reason is for the user.
 */
export class CheckoutPathError extends ReasonError {
  constructor(
    readonly field: string,
    readonly problem: 'missing' | 'outside' | 'loop',
    reason: string,
  ) {
    super(CODES[problem], reason);
    this.name = 'CheckoutPathError';
  }
}

/** True when `path` is `root` or below it (both canonical). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/**
 * The canonical path (every symbolic link resolved) of `relPath` inside `root`, which must stay inside
 * the canonical `root`. Every file the worker reads from a checkout goes through here first: a
 * repository is user data, and a link in it (`lnk -> /`, `x -> ../..`, a chain of links) would
 * otherwise make the worker read, and send to Docker, the files of the host it runs on.
 *
 * `label` names the setting in the messages ("base directory (baseDirectory)"); `within` says what
 * `root` is to the user ("the repository", "the base directory").
 */
export async function resolveInsideCheckout(root: string, relPath: string, label: { field: string; name: string; within?: string }): Promise<string> {
  const within = label.within ?? 'the repository';
  const shown = relPath.length > 200 ? `${relPath.slice(0, 200)}…` : relPath;
  const realRoot = await realpath(root);
  // A leading slash or `..` is refused at the API already; here they simply stay relative to root.
  const candidate = join(realRoot, ...relPath.split('/').filter((p) => p !== '' && p !== '.'));
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new CheckoutPathError(label.field, 'loop', `The ${label.name} ${shown} is a loop of symbolic links.`);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') {
      throw new CheckoutPathError(label.field, 'missing', `The ${label.name} ${shown} does not exist in ${within}.`);
    }
    throw error;
  }
  if (!isInside(realRoot, real)) {
    throw new CheckoutPathError(
      label.field,
      'outside',
      `The ${label.name} ${shown} leads outside ${within} through a symbolic link; Zpanel reads only files inside ${within}.`,
    );
  }
  return real;
}
