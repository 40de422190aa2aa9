import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

/** One invalid field of a request (query parameter or body field; nested fields as `a.b`). */
export class FieldErrorDto {
  @ApiProperty({ example: 'limit' }) field!: string;
  @ApiProperty({ example: 'limit must not be greater than 500' }) message!: string;
}

/**
 * RFC 9457 problem details (`application/problem+json`), with the `statusCode` / `message` / `error` members DataLake answered
 * before (DESIGN.md) kept beside them.
 */
export class ProblemDetailsDto extends ErrorResponseDto {
  @ApiProperty({ description: 'Problem type URI; `about:blank` = see the status code', example: 'about:blank' })
  type!: string;
  @ApiProperty({ description: 'Short summary: the HTTP status phrase', example: 'Bad Request' }) title!: string;
  @ApiProperty({ type: 'integer', description: 'HTTP status code (same as statusCode)', example: 400 }) status!: number;
  @ApiProperty({
    description: 'What went wrong here (the messages joined with "; ")',
    example: 'limit must not be greater than 500',
  })
  detail!: string;
  @ApiProperty({ description: 'The request path', example: '/transactions' }) instance!: string;
  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'Validation failures: one entry per invalid field and rule',
  })
  errors?: FieldErrorDto[];
}
