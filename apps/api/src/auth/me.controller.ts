import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { MeResponse } from '@zpanel/contracts';
import { ChangePasswordDto } from './auth.dto';
import { AuthService } from './auth.service';
import { CurrentUser, type UserCaller } from '../access/caller';
import { MeDto } from './me.dto';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user and their teams' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentUser() caller: UserCaller): Promise<MeResponse> {
    return this.auth.me(caller);
  }

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Change the password; every other session is signed out' })
  @ApiNoContentResponse()
  changePassword(@CurrentUser() caller: UserCaller, @Body() body: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(caller, body.currentPassword, body.newPassword);
  }
}
