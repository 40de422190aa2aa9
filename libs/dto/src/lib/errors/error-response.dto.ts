import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The JSON body of every error answer (except the OAuth errors of `POST /token`). */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'What went wrong; validation failures list one message per problem',
  })
  message!: string | string[];
  @ApiPropertyOptional({ example: 'Bad Request' }) error?: string;
}
