import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { RecoveryCodesResponse, TwoFactorEnrollmentResponse } from '@zpanel/contracts';
import { CurrentUser, type UserCaller } from '../access/caller';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { ConfirmTwoFactorDto, DisableTwoFactorDto, RecoveryCodesDoc, RegenerateRecoveryCodesDto, TwoFactorEnrollmentDoc } from './two-factor.dto';
import { TwoFactorService } from './two-factor.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/two-factor')
export class TwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @Post('enrollment')
  @ApiOperation({ summary: 'Start (or restart) two-factor enrollment: a new TOTP secret, shown only in this response' })
  @ApiCreatedResponse({ type: TwoFactorEnrollmentDoc })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'Two-factor authentication is already enabled' })
  enroll(@CurrentUser() caller: UserCaller): Promise<TwoFactorEnrollmentResponse> {
    return this.twoFactor.startEnrollment(caller);
  }

  @Post('confirmation')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Turn two-factor authentication on with a code from the app; returns recovery codes, shown once' })
  @ApiOkResponse({ type: RecoveryCodesDoc })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: '`code` is not 6 digits' })
  @ApiUnauthorizedResponse({ type: ProblemResponseDto, description: '`invalid_credentials`: the code is wrong' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'No enrollment is pending, or two-factor authentication is already enabled' })
  @ApiTooManyRequestsResponse({ type: ProblemResponseDto, description: 'Too many wrong codes' })
  confirm(@CurrentUser() caller: UserCaller, @Body() body: ConfirmTwoFactorDto): Promise<RecoveryCodesResponse> {
    return this.twoFactor.confirm(caller, body.code);
  }

  @Post('disable')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Turn two-factor authentication off; needs the password and a code (TOTP or recovery code)' })
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse({ type: ProblemResponseDto, description: '`invalid_credentials`, naming `password` or `code`' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'Two-factor authentication is not enabled' })
  @ApiTooManyRequestsResponse({ type: ProblemResponseDto, description: 'Too many wrong attempts' })
  disable(@CurrentUser() caller: UserCaller, @Body() body: DisableTwoFactorDto): Promise<void> {
    return this.twoFactor.disable(caller, body.password, body.code);
  }

  @Post('recovery-codes')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Replace the recovery codes (the old ones stop working); needs a code (TOTP or recovery code)' })
  @ApiOkResponse({ type: RecoveryCodesDoc })
  @ApiUnauthorizedResponse({ type: ProblemResponseDto, description: '`invalid_credentials`: the code is wrong or was already used' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'Two-factor authentication is not enabled' })
  @ApiTooManyRequestsResponse({ type: ProblemResponseDto, description: 'Too many wrong codes' })
  regenerateRecoveryCodes(@CurrentUser() caller: UserCaller, @Body() body: RegenerateRecoveryCodesDto): Promise<RecoveryCodesResponse> {
    return this.twoFactor.regenerateRecoveryCodes(caller, body.code);
  }
}
