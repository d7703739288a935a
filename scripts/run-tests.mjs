// Runs each test level in turn, keeps going after a failure so one run shows everything, and ends
// with a summary table and the line `N passed, N failed`. Exit status 1 when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Absolute: Vitest resolves a relative outputFile against its own root (apps/web).
const results = resolve('tmp', 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const jest = (project) => ({
  name: project,
  // --forceExit: a stray handle in a test must fail loudly in review, never hang CI past its limit.
  cmd: ['npx', 'jest', '--selectProjects', project, '--forceExit', '--json', `--outputFile=${join(results, `${project}.json`)}`],
  report: join(results, `${project}.json`),
  parse: (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests + r.numRuntimeErrorTestSuites, skipped: r.numPendingTests + r.numTodoTests }),
});

const stages = [
  { name: 'typecheck', cmd: ['npx', 'nx', 'run-many', '-t', 'typecheck', '--output-style=static'] },
  // `npm run lint`: ESLint, then Prettier's --check, the same command people run before pushing.
  { name: 'lint', cmd: ['npm', 'run', 'lint'] },
  { name: 'build', cmd: ['npx', 'nx', 'run-many', '-t', 'build', '--output-style=static'] },
  {
    name: 'web-unit',
    cmd: [
      'npx',
      'vitest',
      'run',
      '--config',
      'apps/web/vite.config.mts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${join(results, 'web-unit.json')}`,
    ],
    report: join(results, 'web-unit.json'),
    parse: (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests }),
  },
  jest('unit'),
  jest('integration'),
  jest('api-e2e'),
  jest('browser-e2e'),
];

const only = process.argv.slice(2);
const rows = [];
for (const stage of stages.filter((s) => only.length === 0 || only.includes(s.name))) {
  console.log(`\n=== ${stage.name}: ${stage.cmd.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(stage.cmd[0], stage.cmd.slice(1), { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0', NX_DAEMON: 'false' } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let counts = { passed: '-', failed: '-', skipped: '-' };
  if (stage.report) {
    counts = existsSync(stage.report) ? stage.parse(JSON.parse(readFileSync(stage.report, 'utf8'))) : { passed: 0, failed: 1, skipped: 0 };
  }
  const ok = run.status === 0 && (counts.failed === '-' || counts.failed === 0);
  // A level that ran no test is a broken level, not a green one.
  const empty = stage.report && counts.passed === 0;
  rows.push({ stage: stage.name, ok: ok && !empty, seconds, ...counts });
}

console.log('\nlevel         result  passed  failed  skipped  seconds');
for (const r of rows) {
  console.log(
    `${r.stage.padEnd(13)} ${(r.ok ? 'ok' : 'FAIL').padEnd(7)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.seconds.padStart(7)}`,
  );
}
const sum = (key) => rows.reduce((n, r) => n + (typeof r[key] === 'number' ? r[key] : 0), 0);
const failedLevels = rows.filter((r) => !r.ok).map((r) => r.stage);
if (failedLevels.length) console.log(`\nfailed levels: ${failedLevels.join(', ')}`);
const totalSeconds = rows.reduce((n, r) => n + Number(r.seconds), 0);
console.log(`${'total'.padEnd(13)} ${''.padEnd(7)} ${''.padStart(6)}  ${''.padStart(6)}  ${''.padStart(7)}  ${totalSeconds.toFixed(1).padStart(7)}`);
console.log(`\ntests: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exit(failedLevels.length ? 1 : 0);
