import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { InstanceSettingsDto, NotificationTestResultDto } from '@zpanel/contracts';
import { type Caller, CurrentCaller } from '../access/caller';
import { InstanceOperatorsService } from '../access/instance-operators.service';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { InstanceSettingsDoc, InstanceSmtpTestDto, SmtpTestResultDoc, UpdateInstanceSettingsDto } from './instance-settings.dto';
import { InstanceSettingsService } from './instance-settings.service';

const NOT_AN_OPERATOR = "Not an owner of the instance's first team (or a token without admin)";

/**
 * The instance's public URL and SMTP settings (docs/notifications.md, "Instance email"), for its
 * operators: the owners of its first team (InstanceOperatorsService).
 */
@ApiTags('system')
@ApiBearerAuth()
@Controller('system/settings')
export class InstanceSettingsController {
  constructor(
    private readonly operators: InstanceOperatorsService,
    private readonly settings: InstanceSettingsService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The instance's public URL and SMTP settings (never the SMTP password)" })
  @ApiOkResponse({ type: InstanceSettingsDoc })
  @ApiForbiddenResponse({ type: ProblemResponseDto, description: NOT_AN_OPERATOR })
  async get(@CurrentCaller() caller: Caller): Promise<InstanceSettingsDto> {
    await this.operators.require(caller);
    return this.settings.get();
  }

  @Patch()
  @ApiOperation({
    summary: 'Change the public URL and/or the SMTP settings',
    description:
      'Only what is sent changes. `smtp` replaces the SMTP settings (null turns email off); its host must pass the address policy. The password is sealed; omitted, the saved one is kept unless the host changes.',
  })
  @ApiOkResponse({ type: InstanceSettingsDoc })
  @ApiBadRequestResponse({
    type: ProblemResponseDto,
    description: 'A field is invalid (named), or smtp.host points to an address the instance does not connect to',
  })
  @ApiForbiddenResponse({ type: ProblemResponseDto, description: NOT_AN_OPERATOR })
  async update(@CurrentCaller() caller: Caller, @Body() body: UpdateInstanceSettingsDto): Promise<InstanceSettingsDto> {
    return this.settings.update(caller, await this.operators.require(caller), body);
  }

  @Post('smtp/test')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Send a test email through the saved SMTP settings; answers with the SMTP server’s error in words' })
  @ApiOkResponse({ type: SmtpTestResultDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: '`to` is not an email address' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'No SMTP settings are saved' })
  @ApiForbiddenResponse({ type: ProblemResponseDto, description: NOT_AN_OPERATOR })
  async test(@CurrentCaller() caller: Caller, @Body() body: InstanceSmtpTestDto): Promise<NotificationTestResultDto> {
    return this.settings.test(caller, await this.operators.require(caller), body.to);
  }
}
