import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AlertEventDto } from '@zpanel/contracts';
import { AlertEventEntity, AlertRuleEntity, toAlertEventDto } from '@zpanel/database';
import { DataSource, IsNull } from 'typeorm';
import { type EvaluationContext, type RuleSample, alertMessage, evaluateRule } from './alert-rules';
import { ServerLiveEvents } from '../servers/server-live-events';

export interface AlertedServer {
  id: string;
  teamId: string;
  name: string;
  statusReason: string | null;
}

interface SampleRow {
  ts: Date;
  reachable: boolean;
  cpu_percent: number | null;
  memory_used_bytes: number | null;
  memory_total_bytes: number | null;
  disk_used_bytes: number | null;
  disk_total_bytes: number | null;
  load1: number | null;
}

/**
 * Evaluates a server's alert rules after each sample: opens an alert when a rule is breached and
 * resolves it when the figure is back to normal, and pushes both live. Opening relies on the partial
 * unique index (one open alert per rule), so two workers checking the same server at once cannot
 * both open one: the second insert does nothing.
 */
@Injectable()
export class ServerAlerts {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly live: ServerLiveEvents,
  ) {}

  async evaluate(
    server: AlertedServer,
    latest: RuleSample,
    context: EvaluationContext,
  ): Promise<{ opened: AlertEventDto[]; resolved: AlertEventDto[] }> {
    const [rules, open] = await Promise.all([
      this.dataSource.getRepository(AlertRuleEntity).find({ where: { serverId: server.id } }),
      this.dataSource.getRepository(AlertEventEntity).find({ where: { serverId: server.id, resolvedAt: IsNull() } }),
    ]);
    const openByRule = new Map(open.map((e) => [e.ruleId, e]));
    const longest = Math.max(0, ...rules.filter((r) => r.enabled).map((r) => r.durationSeconds));
    let history: RuleSample[] | undefined;
    const opened: AlertEventDto[] = [];
    const resolved: AlertEventDto[] = [];

    for (const rule of rules) {
      const current = openByRule.get(rule.id);
      if (!rule.enabled) {
        // Turning a rule off ends what it reported.
        if (current) resolved.push(...(await this.resolve(server, rule.id, latest.ts)));
        continue;
      }
      let verdict = evaluateRule(rule, [latest], context);
      // Breaching now, but a duration needs the samples before: read them once for all such rules.
      if (verdict.state === 'undecided' && !current && rule.durationSeconds > 0) {
        history ??= await this.history(server.id, latest, longest + context.maxGapSeconds);
        verdict = evaluateRule(rule, history, context);
      }
      if (verdict.state === 'breached' && !current) {
        opened.push(
          ...(await this.open(server, rule, verdict.value, alertMessage(rule, verdict.value, server.name, server.statusReason), latest.ts)),
        );
      } else if (verdict.state === 'clear' && current) {
        resolved.push(...(await this.resolve(server, rule.id, latest.ts)));
      }
    }
    return { opened, resolved };
  }

  /** Raw samples of the window, newest first, starting with the one just taken. */
  private async history(serverId: string, latest: RuleSample, windowSeconds: number): Promise<RuleSample[]> {
    const rows: SampleRow[] = await this.dataSource.query(
      `SELECT "ts", "reachable", "cpu_percent", "memory_used_bytes"::float8 AS "memory_used_bytes", "memory_total_bytes"::float8 AS "memory_total_bytes",
              "disk_used_bytes"::float8 AS "disk_used_bytes", "disk_total_bytes"::float8 AS "disk_total_bytes", "load1"
         FROM "server_metrics"
        WHERE "server_id" = $1 AND "resolution" = 'raw' AND "ts" < $2 AND "ts" >= $3
        ORDER BY "ts" DESC`,
      [serverId, latest.ts, new Date(latest.ts.getTime() - windowSeconds * 1000)],
    );
    return [
      latest,
      ...rows.map((r) => ({
        ts: r.ts,
        reachable: r.reachable,
        cpuPercent: r.cpu_percent,
        memoryUsedBytes: r.memory_used_bytes,
        memoryTotalBytes: r.memory_total_bytes,
        diskUsedBytes: r.disk_used_bytes,
        diskTotalBytes: r.disk_total_bytes,
        load1: r.load1,
      })),
    ];
  }

  private async open(server: AlertedServer, rule: AlertRuleEntity, value: number | null, message: string, at: Date): Promise<AlertEventDto[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO "alert_events" ("team_id", "server_id", "rule_id", "metric", "operator", "threshold", "value", "message", "opened_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ("rule_id") WHERE "resolved_at" IS NULL DO NOTHING
       RETURNING "id"`,
      [server.teamId, server.id, rule.id, rule.metric, rule.operator, rule.threshold, value, message, at],
    );
    return this.announce(server, rows);
  }

  private async resolve(server: AlertedServer, ruleId: string, at: Date): Promise<AlertEventDto[]> {
    // Postgres returns [rows, affected] for an UPDATE … RETURNING.
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE "alert_events" SET "resolved_at" = GREATEST($2::timestamptz, "opened_at")
        WHERE "rule_id" = $1 AND "resolved_at" IS NULL
        RETURNING "id"`,
      [ruleId, at],
    );
    return this.announce(server, rows);
  }

  private async announce(server: AlertedServer, rows: { id: string }[]): Promise<AlertEventDto[]> {
    if (rows.length === 0) return [];
    const events = await this.dataSource.getRepository(AlertEventEntity).findBy(rows.map((r) => ({ id: r.id })));
    const dtos = events.map(toAlertEventDto);
    for (const dto of dtos) await this.live.alert(server, dto);
    return dtos;
  }
}
