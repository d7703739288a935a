/**
 * An application that writes to and reads from a linked PostgreSQL database, for the databases e2e
 * suites: busybox httpd beside psql (copied with the libraries it links from the PostgreSQL engine
 * image rather than built on it, whose data VOLUME would give every app container an anonymous
 * volume). Each start inserts one row naming the version that started, through `DATABASE_URL`,
 * before it serves; an insert that keeps failing fails the start, so the deployment fails.
 * `DATABASE_APP_ROWS_PATH` opens a new connection per request and lists the rows, one per line (503
 * with psql's error when it cannot), so every read shows what the database holds and whether the
 * app reaches it now. `/` answers `ok`.
 */
export const DATABASE_APP_ROWS_PATH = '/cgi-bin/rows';

const PSQL = 'LD_LIBRARY_PATH=/opt/psql/lib /opt/psql/psql';

/** The repository's files for `version` (what its rows are named). */
export function databaseAppFiles(version: string): Record<string, string> {
  return {
    Dockerfile: [
      'FROM zpanel-test/postgres:15 AS client',
      `RUN mkdir -p /out/lib && cp /usr/lib/postgresql/15/bin/psql /out/ && ldd /out/psql | awk '$2 == "=>" { print $3 }' | xargs cp -L -t /out/lib`,
      '',
      'FROM zpanel-test/debian:bookworm',
      'COPY --from=zpanel-test/busybox /bin/busybox /bin/busybox',
      'COPY --from=client /out /opt/psql',
      'COPY serve.sh /serve.sh',
      'COPY cgi-bin /www/cgi-bin',
      'COPY www /www',
      'RUN chmod 0755 /serve.sh /www/cgi-bin/rows',
      'CMD ["/serve.sh"]',
      '',
    ].join('\n'),
    'serve.sh': [
      '#!/bin/sh',
      'tries=0',
      `until ${PSQL} "$DATABASE_URL" -v ON_ERROR_STOP=1 -qc "CREATE TABLE IF NOT EXISTS starts (id serial PRIMARY KEY, version text NOT NULL); INSERT INTO starts (version) VALUES ('$(cat /www/version)')"; do`,
      '  tries=$((tries + 1))',
      '  [ "$tries" -lt 20 ] || exit 1',
      '  sleep 1',
      'done',
      'exec busybox httpd -f -p 8080 -h /www',
      '',
    ].join('\n'),
    'cgi-bin/rows': [
      '#!/bin/sh',
      `if rows=$(${PSQL} "$DATABASE_URL" -v ON_ERROR_STOP=1 -Atc 'SELECT version FROM starts ORDER BY id' 2>&1); then`,
      `  printf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' "$rows"`,
      'else',
      `  printf 'HTTP/1.1 503 Service Unavailable\\r\\nContent-Type: text/plain\\r\\n\\r\\n%s\\n' "$rows"`,
      'fi',
      '',
    ].join('\n'),
    'www/index.html': 'ok',
    'www/version': version,
  };
}

/** What `DATABASE_APP_ROWS_PATH` answers after starts of these versions, in order. */
export function databaseAppRows(...versions: string[]): string {
  return `${versions.join('\n')}\n`;
}
