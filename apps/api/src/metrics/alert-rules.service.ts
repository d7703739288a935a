import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type AlertRuleDto,
  AuditAction,
  type CreateAlertRuleRequest,
  ErrorCode,
  type FieldError,
  type PageQuery,
  type Paginated,
  type UpdateAlertRuleRequest,
} from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { type AlertRuleEntity, AlertRulesRepository, type TeamScope } from '@zpanel/database';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';

/** Enough for warning and critical levels of every metric; a cap keeps one server from evaluating thousands per check. */
export const MAX_ALERT_RULES_PER_SERVER = 50;

function toDto(r: AlertRuleEntity): AlertRuleDto {
  return {
    id: r.id,
    serverId: r.serverId,
    metric: r.metric,
    operator: r.operator,
    threshold: r.threshold,
    durationSeconds: r.durationSeconds,
    enabled: r.enabled,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

type RuleFields = Pick<AlertRuleEntity, 'metric' | 'operator' | 'threshold' | 'durationSeconds' | 'enabled'>;

/**
 * The checks the DTO cannot make alone, on the rule as it will be stored (for a change: the
 * current rule with the change applied). `unreachable` has no figure: its operator and threshold
 * are fixed, whatever was sent.
 */
function settle(rule: Partial<RuleFields> & Pick<RuleFields, 'metric'>, metricChangedAlone = false): RuleFields {
  const errors: FieldError[] = [];
  if (rule.metric === 'unreachable') {
    return { metric: 'unreachable', operator: '>', threshold: 0, durationSeconds: rule.durationSeconds ?? 0, enabled: rule.enabled ?? true };
  }
  if (rule.threshold === undefined || rule.threshold === null) {
    errors.push({ field: 'threshold', message: `threshold is required for ${rule.metric}` });
  } else if (rule.metric !== 'load' && rule.threshold > 100) {
    errors.push({ field: 'threshold', message: `threshold is a percentage for ${rule.metric}: between 0 and 100` });
  }
  if (errors.length > 0) {
    // A changed metric can make the stored threshold wrong; say so rather than blame a field that was not sent.
    if (metricChangedAlone) errors[0] = { ...errors[0], message: `${errors[0].message} (send a threshold with the new metric)` };
    throw AppException.validation(errors);
  }
  return {
    metric: rule.metric,
    operator: rule.operator ?? '>',
    threshold: rule.threshold as number,
    durationSeconds: rule.durationSeconds ?? 0,
    enabled: rule.enabled ?? true,
  };
}

/** A server's alert rules. The worker evaluates them after every check. */
@Injectable()
export class AlertRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: AlertRulesRepository,
    private readonly audit: AuditService,
  ) {}

  async list(team: TeamScope, serverId: string, query: PageQuery): Promise<Paginated<AlertRuleDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.rules.pageOfServer(team, serverId, { skip: window.skip, take: window.perPage });
    return paginated(rows.map(toDto), total, window);
  }

  async create(caller: Caller, team: TeamScope, serverId: string, input: CreateAlertRuleRequest): Promise<AlertRuleDto> {
    const fields = settle(input);
    if ((await this.rules.countOfServer(team, serverId)) >= MAX_ALERT_RULES_PER_SERVER) {
      throw new AppException(ErrorCode.Conflict, `A server has at most ${MAX_ALERT_RULES_PER_SERVER} alert rules: delete one first`);
    }
    const row = await this.dataSource.transaction(async (manager) => {
      const saved = await this.rules.in(manager).add(team, serverId, fields);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.AlertRuleCreated,
        target: { type: 'alert_rule', id: saved.id },
        metadata: { serverId, ...fields },
      });
      return saved;
    });
    return toDto(row);
  }

  /** An open alert of the rule stays open until the next check finds the figure back to normal under the new rule (or the rule off). */
  async update(caller: Caller, team: TeamScope, serverId: string, ruleId: string, input: UpdateAlertRuleRequest): Promise<AlertRuleDto> {
    const current = await this.find(team, serverId, ruleId);
    const sent = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as UpdateAlertRuleRequest;
    const fields = settle({ ...current, ...sent }, sent.metric !== undefined && sent.threshold === undefined);
    await this.dataSource.transaction(async (manager) => {
      await this.rules.in(manager).change(team, ruleId, fields);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.AlertRuleUpdated,
        target: { type: 'alert_rule', id: ruleId },
        metadata: { serverId, changed: Object.keys(sent) },
      });
    });
    return toDto(await this.rules.get(team, ruleId));
  }

  /** Its alerts go with it. */
  async delete(caller: Caller, team: TeamScope, serverId: string, ruleId: string): Promise<void> {
    const current = await this.find(team, serverId, ruleId);
    await this.dataSource.transaction(async (manager) => {
      await this.rules.in(manager).deleteOne(team, ruleId);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.AlertRuleDeleted,
        target: { type: 'alert_rule', id: ruleId },
        metadata: { serverId, metric: current.metric, operator: current.operator, threshold: current.threshold },
      });
    });
  }

  /** A rule of another server (even of the same team) is not found under this one. */
  private async find(team: TeamScope, serverId: string, ruleId: string): Promise<AlertRuleEntity> {
    const rule = await this.rules.findOfServer(team, serverId, ruleId);
    if (!rule) throw new AppException(ErrorCode.NotFound, 'No such alert rule');
    return rule;
  }
}
