import { ApiProperty } from '@nestjs/swagger';
import {
  type ConfirmTwoFactorRequest,
  type DisableTwoFactorRequest,
  PASSWORD_MAX_LENGTH,
  RECOVERY_CODE_COUNT,
  type RecoveryCodesResponse,
  type RegenerateRecoveryCodesRequest,
  type TwoFactorEnrollmentResponse,
} from '@zpanel/contracts';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

/** Authenticator apps show codes as `123 456`: the space is not part of the code. */
const withoutSpaces = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/\s/g, '') : value);
/** Longer than any recovery code (`xxxxx-xxxxx`) typed with stray spaces; anything longer is refused. */
const MAX_CODE_LENGTH = 64;

export class TwoFactorEnrollmentDoc implements TwoFactorEnrollmentResponse {
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'Base32 secret for the authenticator app; shown only during enrollment' })
  secret: string;

  @ApiProperty({ example: 'otpauth://totp/Zpanel:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Zpanel&algorithm=SHA1&digits=6&period=30' })
  otpauthUri: string;
}

export class RecoveryCodesDoc implements RecoveryCodesResponse {
  @ApiProperty({
    type: [String],
    minItems: RECOVERY_CODE_COUNT,
    maxItems: RECOVERY_CODE_COUNT,
    example: ['7h2kq-9xm4d'],
    description: 'Single-use codes, shown once: only their hashes are stored',
  })
  recoveryCodes: string[];
}

export class ConfirmTwoFactorDto implements ConfirmTwoFactorRequest {
  @ApiProperty({ example: '123456', description: 'The current 6-digit code from the authenticator app' })
  @Transform(withoutSpaces)
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class DisableTwoFactorDto implements DisableTwoFactorRequest {
  @ApiProperty()
  @IsString()
  @IsNotEmpty({ message: 'password is required' })
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @ApiProperty({ example: '123456', description: 'A current authenticator code, or one of the recovery codes' })
  @IsString()
  @IsNotEmpty({ message: 'code is required' })
  @MaxLength(MAX_CODE_LENGTH)
  code: string;
}

export class RegenerateRecoveryCodesDto implements RegenerateRecoveryCodesRequest {
  @ApiProperty({ example: '123456', description: 'A current authenticator code, or one of the recovery codes' })
  @IsString()
  @IsNotEmpty({ message: 'code is required' })
  @MaxLength(MAX_CODE_LENGTH)
  code: string;
}
