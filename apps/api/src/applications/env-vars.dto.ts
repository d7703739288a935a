import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  type BulkEnvRequest,
  DATABASE_REFERENCE_VARIABLES,
  DOTENV_MAX_LENGTH,
  type DatabaseReference,
  type DatabaseReferenceVariable,
  ENV_VALUE_MAX_BYTES,
  type EnvVarDto,
  type EnvVarScope,
  type UpsertEnvVarRequest,
} from '@zpanel/contracts';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { IfPresent, IsEnvValue } from './field-validation';

export class DatabaseReferenceDoc implements DatabaseReference {
  @ApiProperty({ example: 'main-db', description: 'The name of a database of the environment' }) database: string;
  @ApiProperty({ enum: DATABASE_REFERENCE_VARIABLES, example: 'DATABASE_URL' }) variable: DatabaseReferenceVariable;
}

/** How the value docs describe references. */
const REFERENCES_NOTE =
  '`${{ <database>.<VARIABLE> }}` (VARIABLE one of ' +
  DATABASE_REFERENCE_VARIABLES.join(', ') +
  ') anywhere in it references a database of the environment, resolved at each deployment; `$${{` is the text `${{`.';

export class EnvVarDoc implements EnvVarDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    enum: ['environment', 'application'],
    example: 'application',
    description: "environment: shared by the environment's applications; application: its own, which wins",
  })
  scope: EnvVarScope;
  @ApiProperty({ example: 'DATABASE_URL' }) key: string;
  @ApiPropertyOptional({ nullable: true, example: 'postgres://shop:s3cret@db:5432/shop', description: 'Null unless the caller has read:sensitive' })
  value: string | null;
  @ApiProperty({ example: false, description: 'True when the value was withheld (the caller lacks read:sensitive)' }) masked: boolean;
  @ApiProperty({ example: false, description: 'Passed to the image build' }) buildTime: boolean;
  @ApiProperty({ example: true, description: 'Set in the running container' }) runtime: boolean;
  @ApiProperty({
    type: [DatabaseReferenceDoc],
    example: [{ database: 'main-db', variable: 'DATABASE_URL' }],
    description: 'The databases the value references, each once (shown without read:sensitive too: names only). The value keeps the ${{ }} text.',
  })
  references: DatabaseReferenceDoc[];
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class UpsertEnvVarDto implements UpsertEnvVarRequest {
  @ApiProperty({
    example: 'postgres://shop:s3cret@db:5432/shop',
    description: `Any text up to ${ENV_VALUE_MAX_BYTES} bytes (quotes, $, newlines reach the container byte-exact); no NUL character. Never expanded by a shell. ${REFERENCES_NOTE} A reference to no database of the environment is a 400.`,
  })
  @IsEnvValue()
  value: string;

  @ApiPropertyOptional({ example: false, description: 'Default: unchanged, or false for a new variable' })
  @IfPresent()
  @IsBoolean({ message: 'buildTime must be true or false' })
  buildTime?: boolean;

  @ApiPropertyOptional({ example: true, description: 'Default: unchanged, or true for a new variable. At least one of buildTime and runtime.' })
  @IfPresent()
  @IsBoolean({ message: 'runtime must be true or false' })
  runtime?: boolean;
}

export class BulkEnvDto implements BulkEnvRequest {
  @ApiProperty({
    example:
      'NODE_ENV=production\nDATABASE_URL="postgres://shop:s3cret@db:5432/shop"\n# comments and blank lines are ignored\nGREETING=\'hello $USER\'\n',
    description:
      'KEY=value per line (optional `export `); values unquoted, \'single-quoted\' (literal) or "double-quoted" (\\n \\t \\" \\\\ \\$ escapes, may span lines). ' +
      'Replaces every variable of the scope: keys left out are deleted. Problems come back one per line, nothing changes. ' +
      REFERENCES_NOTE,
    maxLength: DOTENV_MAX_LENGTH,
  })
  @IsString({ message: 'dotenv must be text' })
  @MaxLength(DOTENV_MAX_LENGTH, { message: `dotenv must be at most ${DOTENV_MAX_LENGTH} characters` })
  dotenv: string;

  @ApiPropertyOptional({ example: false, default: false, description: 'Applied to every variable of the text' })
  @IfPresent()
  @IsBoolean({ message: 'buildTime must be true or false' })
  buildTime?: boolean;

  @ApiPropertyOptional({ example: true, default: true, description: 'Applied to every variable of the text' })
  @IfPresent()
  @IsBoolean({ message: 'runtime must be true or false' })
  runtime?: boolean;
}
