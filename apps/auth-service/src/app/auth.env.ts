import { IsInt, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_PATTERN } from '@datalake/dto';
import { IsJwtSecret, IsMongoUri, IsPort, IsPortDistinctFrom, SignInLimitEnv } from '@datalake/service-kit';

const adminConfigured = (env: AuthEnv) => env.ADMIN_USERNAME !== undefined || env.ADMIN_PASSWORD !== undefined;

export class AuthEnv extends SignInLimitEnv {
  @IsPort()
  AUTH_PORT: number = 3001;

  /** `/metrics`, `/health/live`, `/health/ready`: probes and Prometheus only. */
  @IsPortDistinctFrom('AUTH_PORT')
  AUTH_MANAGEMENT_PORT: number = 9001;

  @IsMongoUri()
  MONGO_URI!: string;

  /** HS256 signing key; never logged. */
  @IsJwtSecret()
  JWT_SECRET!: string;

  /** Access token lifetime in seconds. */
  @IsInt()
  @Min(1)
  @Max(30 * 24 * 3600)
  JWT_EXPIRES_IN: number = 3600;

  /** Bootstrap admin, created at start when absent; both or neither. */
  @ValidateIf(adminConfigured)
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'must be 3-64 characters of A-Z a-z 0-9 _ . -' })
  ADMIN_USERNAME?: string;

  @ValidateIf(adminConfigured)
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  ADMIN_PASSWORD?: string;
}
