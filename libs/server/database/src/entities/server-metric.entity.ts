import type { ContainerMetricDto } from '@zpanel/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TeamIdColumn } from './columns';

export type MetricResolution = 'raw' | '1m';

/** One sample of a server (`raw`, kept 7 days) or a 1-minute average of raw samples (`1m`, kept 30 days). */
@Entity({ name: 'server_metrics' })
export class ServerMetricEntity {
  @PrimaryColumn('uuid', { name: 'server_id' })
  serverId: string;

  @PrimaryColumn('text')
  resolution: MetricResolution;

  @PrimaryColumn('timestamptz')
  ts: Date;

  @TeamIdColumn()
  teamId: string;

  /** For a `1m` row: at least one sample of the minute was reachable; the values average those. */
  @Column('boolean')
  reachable: boolean;

  @Column('real', { name: 'cpu_percent', nullable: true })
  cpuPercent: number | null;

  /** bigint columns come back from pg as strings. */
  @Column('bigint', { name: 'memory_used_bytes', nullable: true })
  memoryUsedBytes: string | null;

  @Column('bigint', { name: 'memory_total_bytes', nullable: true })
  memoryTotalBytes: string | null;

  @Column('bigint', { name: 'disk_used_bytes', nullable: true })
  diskUsedBytes: string | null;

  @Column('bigint', { name: 'disk_total_bytes', nullable: true })
  diskTotalBytes: string | null;

  @Column('real', { nullable: true })
  load1: number | null;

  @Column('real', { nullable: true })
  load5: number | null;

  @Column('real', { nullable: true })
  load15: number | null;

  @Column('jsonb')
  containers: ContainerMetricDto[];
}
