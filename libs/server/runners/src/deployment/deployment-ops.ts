import type { HealthCheckSettings, RestartPolicy } from '@zpanel/contracts';

/** What the pipeline asks of the server's Docker Engine; `DockerDeploymentOps` is the real one, `FakeDeploymentOps` the unit-test one. */
export interface DeploymentOps {
  imageExists(reference: string): Promise<boolean>;
  /** Pulls an image, reporting progress lines. */
  pullImage(reference: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void>;
  /** Builds `spec.tag` from a directory (a tar of it goes to the Docker API), streaming the build output. */
  buildImage(spec: BuildSpec, onLine: (stream: 'stdout' | 'stderr', line: string) => void, signal: AbortSignal): Promise<void>;
  ensureNetwork(): Promise<void>;
  /** Creates and starts the container on the network, without the app's alias. */
  startContainer(spec: ContainerSpec): Promise<void>;
  /** The container's address on the network; null when it is not running (it exited). */
  containerAddress(name: string): Promise<{ ip: string } | { exited: true; exitCode: number | null } | null>;
  /** The last lines the container wrote, to explain a failed health check. */
  containerLogTail(name: string, lines: number): Promise<string[]>;
  /** Reconnects the container to the network with the app's alias (it answers the alias from then on). */
  addAlias(name: string, alias: string): Promise<void>;
  /** Containers of the application on this instance (labels), with the deployment each belongs to. */
  appContainers(): Promise<{ name: string; deploymentId: string | null; running: boolean }[]>;
  /**
   * Makes a running container refuse every new inbound TCP connection (a reset answers the
   * handshake) while the connections it has go on, then waits until it has accepted the ones
   * already queued: from then on stopping it cannot reset a request it never read. null when done;
   * otherwise why not (the container then stops as before, accepting until its listener closes).
   */
  refuseNewConnections(name: string): Promise<string | null>;
  /** Stops (SIGTERM, then SIGKILL after the grace period) and removes; a missing container is fine. */
  retireContainer(name: string, graceSeconds: number): Promise<void>;
  /** Removes at once (killing it); a missing container is fine. */
  removeContainer(name: string): Promise<void>;
  /**
   * Tags of the application's images on this instance (labels), newest image first. A cached
   * rebuild gives the same image again: then several tags (deployments) share one `imageId`.
   */
  appImages(): Promise<AppImage[]>;
  /** Removes one image tag; false when Docker refuses (a container still uses it). */
  removeImage(reference: string): Promise<boolean>;
  /** A host path on the server with every symbolic link resolved (`realpath -e`, an argv over SSH); null when it does not exist. */
  resolveHostPath(path: string): Promise<string | null>;
  /** Removes the application's named volumes (labels), with their data; the count removed. A volume still in use stays. */
  removeAppVolumes(): Promise<number>;
}

export interface AppImage {
  /** The tag, `zpanelDockerNames().appImage(app, deploymentId)`. */
  reference: string;
  deploymentId: string | null;
  imageId: string;
  created: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The deployment an app image tag belongs to (the tag is the deployment id); null for any other tag. */
export function deploymentOfImageTag(reference: string): string | null {
  const tag = reference.slice(reference.lastIndexOf(':') + 1);
  return UUID.test(tag) ? tag : null;
}

export interface BuildSpec {
  /** The build context directory. */
  contextDir: string;
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  target: string | null;
  buildArgs: Record<string, string>;
  tag: string;
  labels: Record<string, string>;
}

/** What a container mounts, checked: named volumes (created with their labels when missing), resolved bind paths, files copied in before it starts. */
export interface ContainerMounts {
  volumes: { dockerName: string; mountPath: string; labels: Record<string, string> }[];
  binds: { source: string; mountPath: string; readOnly: boolean }[];
  files: { path: string; content: Buffer }[];
}

export interface ContainerSpec {
  name: string;
  image: string;
  /** `KEY=value` entries, byte-exact. */
  env: string[];
  labels: Record<string, string>;
  restartPolicy: RestartPolicy;
  cpuLimit: number | null;
  memoryLimitMb: number | null;
  stopGraceSeconds: number;
  port: number;
  mounts?: ContainerMounts;
}

/** One probe of the new container, from the server's side (it can reach bridge addresses). */
export interface HealthProber {
  probe(ip: string, port: number, check: HealthCheckSettings, signal: AbortSignal): Promise<{ ok: true } | { ok: false; detail: string }>;
}
