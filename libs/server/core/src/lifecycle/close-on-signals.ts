import type { Logger } from 'pino';

/**
 * On SIGTERM or SIGINT, runs the app's graceful close (drain jobs, close pools) and exits 0, or 1 if
 * closing failed. Nest's own shutdown hooks re-raise the signal instead, which reports a clean
 * stop to supervisors as a crash. A second signal forces an immediate exit.
 */
export function closeOnSignals(app: { close(): Promise<void> }, logger: Logger, beforeClose: () => void = () => undefined): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    beforeClose();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
