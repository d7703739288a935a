import { TEST_VARS } from './test-env';
import { dockerCli } from './docker-namespace';

/** The label of a test run's own containers (not Zpanel's): a suite's teardown finds them by it. */
export function testRunLabel(): string {
  return `zpanel.test.run=${process.env[TEST_VARS.runId]}`;
}

/**
 * Starts a container of the local busybox image on the test server's engine (this machine's), with no
 * network, labelled with the run and `labels` (`zpanel.managed=true` to have Zpanel list it), running
 * the shell `script`.
 */
export function runTestContainer(name: string, script: string, labels: string[] = []): void {
  const labelArgs = [testRunLabel(), ...labels].flatMap((label) => ['--label', label]);
  dockerCli('run', '-d', '--name', name, ...labelArgs, '--network', 'none', 'zpanel-test/busybox:latest', 'sh', '-c', script);
}

/** Removes the run's test containers: all of them, or those whose name contains `name`. */
export function removeTestContainers(name?: string): void {
  const filters = ['--filter', `label=${testRunLabel()}`, ...(name === undefined ? [] : ['--filter', `name=${name}`])];
  const ids = dockerCli('ps', '-aq', ...filters)
    .split('\n')
    .filter(Boolean);
  if (ids.length) dockerCli('rm', '-f', ...ids);
}
