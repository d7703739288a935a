import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res, VERSION_NEUTRAL } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiAcceptedResponse,
} from '@nestjs/swagger';
import {
  Ability,
  type Paginated,
  WEBHOOK_PROVIDERS,
  type WebhookDeliveryDto,
  type WebhookProvider,
  type WebhookSecretDto,
  type WebhookSettingsDto,
  ErrorCode,
} from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import type { Request, Response } from 'express';
import { type Caller, CurrentCaller, Public } from '../access/caller';
import { PageQueryDto } from '../http/pagination';
import { TeamAccessService } from '../access/team-access.service';
import { UuidParam } from '../access/team-params';
import { ApplicationsRepository } from '@zpanel/database';
import { WebhookDeliveryPageDoc, WebhookReceiptDoc, WebhookSecretDoc, WebhookSettingsDoc } from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

/** The address the caller reached Zpanel at (behind a proxy only with TRUST_PROXY, which makes req.protocol honest). */
const originOf = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('applications/:applicationId')
export class ApplicationWebhookController {
  constructor(
    private readonly access: TeamAccessService,
    private readonly applications: ApplicationsRepository,
    private readonly webhooks: WebhooksService,
  ) {}

  @Get('webhook')
  @ApiOperation({ summary: 'The webhook URL for each provider and whether a secret is set (the secret is never returned again)' })
  @ApiOkResponse({ type: WebhookSettingsDoc })
  async settings(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string, @Req() req: Request): Promise<WebhookSettingsDto> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Read);
    return this.webhooks.settings(team, id, originOf(req));
  }

  @Post('webhook-secret')
  @ApiOperation({ summary: 'Generate a new webhook secret (replacing the current one at once) and show it this once' })
  @ApiOkResponse({ type: WebhookSecretDoc })
  @HttpCode(HttpStatus.OK)
  async rotate(@CurrentCaller() caller: Caller, @UuidParam('applicationId') id: string, @Req() req: Request): Promise<WebhookSecretDto> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Write);
    return this.webhooks.rotateSecret(caller, team, id, originOf(req));
  }

  @Get('webhook-deliveries')
  @ApiOperation({ summary: 'Deliveries received for the application, newest first: what happened to each and why' })
  @ApiOkResponse({ type: WebhookDeliveryPageDoc })
  async deliveries(
    @CurrentCaller() caller: Caller,
    @UuidParam('applicationId') id: string,
    @Query() query: PageQueryDto,
  ): Promise<Paginated<WebhookDeliveryDto>> {
    const { team } = await this.access.requireFor(caller, this.applications, id, Ability.Read);
    return this.webhooks.list(team, id, query);
  }
}

/** The raw body parsed for these paths only (see configure-app.ts): signatures are over the exact bytes. */
export const WEBHOOK_PATH = /^\/webhooks\/[a-z]+\/?$/;

@ApiTags('webhooks')
@Controller({ path: 'webhooks', version: VERSION_NEUTRAL })
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post(':provider')
  @Public()
  @ApiOperation({
    summary:
      'Receive a provider delivery (GitHub, GitLab, Bitbucket, Gitea): verified against the matching applications’ secrets, then branch pushes (and tags matching deployTags) deploy, and pull requests deploy or remove previews',
    description:
      'Signatures: GitHub `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`, Gitea `X-Gitea-Signature: <hex>`, Bitbucket `X-Hub-Signature: sha256=<hex>`, GitLab `X-Gitlab-Token: <secret>`. ' +
      'Events: push (GitLab Push Hook / Tag Push Hook, Bitbucket repo:push), ping; pull_request (GitHub, Gitea) and Merge Request Hook (GitLab) for previews. ' +
      'Content type application/json. Not under /api/v1: providers are configured once.',
  })
  @ApiParam({ name: 'provider', enum: WEBHOOK_PROVIDERS })
  @ApiAcceptedResponse({ type: WebhookReceiptDoc, description: 'What happened for each matching application (200 for a ping)' })
  @ApiUnauthorizedResponse({ description: 'No valid signature for any application of the repository' })
  @ApiPayloadTooLargeResponse({ description: 'Body over 1 MiB' })
  async receive(@Param('provider') provider: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<WebhookReceiptDoc> {
    if (!(WEBHOOK_PROVIDERS as readonly string[]).includes(provider)) throw new AppException(ErrorCode.NotFound, 'No such webhook provider');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = await this.webhooks.receive(provider as WebhookProvider, req.headers, body);
    res.status(result.status);
    return result.receipt;
  }
}
