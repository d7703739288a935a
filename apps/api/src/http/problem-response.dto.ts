import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode, type FieldError, type ProblemDetails } from '@zpanel/contracts';

class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'probe' })
  field: string;
  @ApiProperty({ example: 'probe must be a boolean value' })
  message: string;
}

/** Swagger description of the problem+json body every error uses. */
export class ProblemResponseDto implements ProblemDetails {
  @ApiProperty({ example: 'https://zpanel.dev/problems/validation_failed' })
  type: string;
  @ApiProperty({ example: 'Validation failed' })
  title: string;
  @ApiProperty({ example: 400 })
  status: number;
  @ApiPropertyOptional({ example: 'Invalid field(s): probe' })
  detail?: string;
  @ApiProperty({ enum: ErrorCode, example: ErrorCode.ValidationFailed })
  code: ErrorCode;
  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];
  @ApiProperty({ example: '6f1c1f0e-3c1e-4d43-9b1e-1d2f0c8a9e11' })
  traceId: string;
}
