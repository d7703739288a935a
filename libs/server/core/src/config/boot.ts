import { ConfigError, loadConfig } from './load-config';
import type { AppConfig } from './app-config';

/**
 * Loads the config for a process entry point. A bad environment is an operator error, not a
 * crash: print one line naming every bad variable and exit 1, without a stack trace.
 */
export function loadConfigOrExit(processName: string, env: Record<string, string | undefined> = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`zpanel ${processName}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
