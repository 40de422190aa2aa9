import { Body, Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { parseTokenRequest, type TokenResponseDto } from '@datalake/dto';
import { NO_STORE_HEADERS, OAuthError, OAuthErrorFilter } from './oauth-error';
import { TokenService } from './token.service';

@Controller('token')
@UseFilters(OAuthErrorFilter)
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post()
  @HttpCode(200)
  token(
    @Body() body: Record<string, unknown>,
    @Headers('content-type') contentType: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenResponseDto> {
    response.set(NO_STORE_HEADERS);
    const request = parseTokenRequest(body, contentType);
    if (!request.ok) throw new OAuthError(request.error);
    return this.tokens.issue(request.username, request.password);
  }
}
