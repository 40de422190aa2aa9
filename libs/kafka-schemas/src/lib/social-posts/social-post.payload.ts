import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, MaxLength, Min, Matches } from 'class-validator';
import { blankToUndefined, numericStringToNumber } from '../normalize';
import { IsTimestamp } from '../validation';
import { MAX_POST_CONTENT_LENGTH } from './social-posts.catalogue';

const idLike = ({ value }: { value: unknown }) =>
  typeof value === 'number' && Number.isInteger(value)
    ? String(value)
    : typeof value === 'string'
      ? value.trim()
      : value;

/** Validation of a post's input fields; the fields themselves are listed in social-posts.catalogue.ts. */
export class SocialPostPayload {
  @Transform(idLike)
  @IsString()
  @Length(1, 128)
  postId!: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_.-]{0,63}$/, { message: 'platform must be a short name like "twitter"' })
  platform!: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 256)
  author!: string;

  @IsString()
  @MaxLength(MAX_POST_CONTENT_LENGTH)
  content!: string;

  @IsTimestamp()
  timestamp!: string | number;

  @IsOptional()
  @Transform(({ value }) => numericStringToNumber(value))
  @IsInt()
  @Min(0)
  likes?: number;

  @IsOptional()
  @Transform(({ value }) => numericStringToNumber(value))
  @IsInt()
  @Min(0)
  shares?: number;

  @IsOptional()
  @Transform(({ value }) => blankToUndefined(value))
  @IsString()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'lang must be a language tag like "en" or "pt-BR"' })
  lang?: string;
}

export function socialPostKey(payload: Pick<SocialPostPayload, 'platform' | 'postId'>): string {
  return `${payload.platform.trim().toLowerCase()}:${payload.postId}`;
}
