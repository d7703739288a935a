import { Injectable } from '@nestjs/common';
import type { AlertEventDto } from '@zpanel/contracts';
import {
  type AlertEventEntity,
  AlertEventsRepository,
  type AlertRuleEntity,
  AlertRulesRepository,
  type AlertFacts,
  ServerMetricsRepository,
  toAlertEventDto,
} from '@zpanel/database';
import { type EvaluationContext, type RuleSample, alertMessage, evaluateRule } from './alert-rules';
import { ServerLiveEvents } from '../servers/server-live-events';
import { EventNotifications } from '../notifications/event-notifications';

export interface AlertedServer {
  id: string;
  teamId: string;
  name: string;
  statusReason: string | null;
}

/** What the notification of an alert says: the rule's condition as the alert recorded it, its value and words. */
function alertFacts(event: AlertEventEntity, rule: AlertRuleEntity): AlertFacts {
  return {
    alertEventId: event.id,
    ruleId: rule.id,
    metric: event.metric ?? rule.metric,
    operator: event.operator ?? rule.operator,
    threshold: event.threshold ?? rule.threshold,
    durationSeconds: rule.durationSeconds,
    value: event.value,
    message: event.message,
  };
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
    private readonly rules: AlertRulesRepository,
    private readonly alertEvents: AlertEventsRepository,
    private readonly samples: ServerMetricsRepository,
    private readonly live: ServerLiveEvents,
    private readonly notifications: EventNotifications,
  ) {}

  async evaluate(
    server: AlertedServer,
    latest: RuleSample,
    context: EvaluationContext,
  ): Promise<{ opened: AlertEventDto[]; resolved: AlertEventDto[] }> {
    const [rules, open] = await Promise.all([this.rules.ofServer(server.id), this.alertEvents.openOfServer(server.id)]);
    const openByRule = new Map(open.map((e) => [e.ruleId, e]));
    const longest = Math.max(0, ...rules.filter((r) => r.enabled).map((r) => r.durationSeconds));
    let history: RuleSample[] | undefined;
    const opened: AlertEventDto[] = [];
    const resolved: AlertEventDto[] = [];

    for (const rule of rules) {
      const current = openByRule.get(rule.id);
      if (!rule.enabled) {
        // Turning a rule off ends what it reported.
        if (current) resolved.push(...(await this.resolve(server, rule, latest.ts)));
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
        resolved.push(...(await this.resolve(server, rule, latest.ts)));
      }
    }
    return { opened, resolved };
  }

  /** Raw samples of the window, newest first, starting with the one just taken. */
  private async history(serverId: string, latest: RuleSample, windowSeconds: number): Promise<RuleSample[]> {
    const rows = await this.samples.rawSamplesBetween(serverId, new Date(latest.ts.getTime() - windowSeconds * 1000), latest.ts);
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

  /** Only the insert that opened it (or the update that resolved it) returns the alert: each is told once, grouped per rule. */
  private async open(server: AlertedServer, rule: AlertRuleEntity, value: number | null, message: string, at: Date): Promise<AlertEventDto[]> {
    const opened = await this.alertEvents.open(server, rule, value, message, at);
    for (const event of opened) await this.notifications.alertFired(server.id, alertFacts(event, rule));
    return this.announce(server, opened);
  }

  private async resolve(server: AlertedServer, rule: AlertRuleEntity, at: Date): Promise<AlertEventDto[]> {
    const resolved = await this.alertEvents.resolve(rule.id, at);
    for (const event of resolved) await this.notifications.alertResolved(server.id, alertFacts(event, rule));
    return this.announce(server, resolved);
  }

  private async announce(server: AlertedServer, events: AlertEventEntity[]): Promise<AlertEventDto[]> {
    const dtos = events.map(toAlertEventDto);
    for (const dto of dtos) await this.live.alert(server, dto);
    return dtos;
  }
}
