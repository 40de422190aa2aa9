import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from './role';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;
export const PASSWORD_MIN_LENGTH = 8;
/** Bounds the work of hashing one request. */
export const PASSWORD_MAX_LENGTH = 1024;

/** `POST /register`. No `role`: with whitelist + forbidNonWhitelisted a `role` field is a 400. */
export class RegisterDto {
  @ApiProperty({ pattern: USERNAME_PATTERN.source, minLength: 3, maxLength: 64, example: 'alice' })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username must be 3-64 characters of A-Z a-z 0-9 _ . -' })
  username!: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    format: 'password',
    example: 'correct horse battery',
  })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `password must be at least ${PASSWORD_MIN_LENGTH} characters` })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `password must be at most ${PASSWORD_MAX_LENGTH} characters` })
  password!: string;
}

/** A user as the API shows it (never a password hash). */
export class UserDto {
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ enum: ROLES, example: 'user' }) role!: Role;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
