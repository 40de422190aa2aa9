import { Body, Controller, Get, InternalServerErrorException, Param, Patch, Query, Req, Res } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { MeDto, UpdateRoleDto, UserDto, UserListQueryDto, UserPageDto } from '@datalake/dto';
import { AuthServiceAccountLookup } from '../auth/account-lookup';
import { ApiAuthenticatedRoute, NEXT_LINK_DOC } from '../http/api-docs';
import { setNextPageLink } from '../http/next-page-link';
import { Authenticated } from '../http/authenticated.decorator';
import { forwardedHeaders, jsonBody, relay, toQueryParams, Upstreams } from '../upstream/upstreams';

/** auth-service checks the token again itself, so the caller's bearer token goes along. */
function withToken(request: Request): Record<string, string> {
  return { ...forwardedHeaders(request), authorization: request.headers.authorization ?? '' };
}

@ApiTags('users')
@Controller()
export class UsersProxyController {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly accounts: AuthServiceAccountLookup,
  ) {}

  @Get('me')
  @Authenticated()
  @ApiAuthenticatedRoute({
    operationId: 'getMe',
    summary: 'The caller: username, role and current quota',
    ok: { status: 200, type: MeDto, description: 'The caller' },
  })
  async me(@Req() request: Request, @Res() response: Response): Promise<void> {
    const answer = await this.upstreams
      .get('auth-service')
      .call({ caller: request.user, method: 'GET', path: '/me', headers: withToken(request) });
    if (answer.status !== 200) return relay(response, answer);
    // The quota figures are the ones QuotaGuard counted for this very request.
    const user = answer.body as UserDto;
    const quota = request.quota;
    if (!quota) throw new InternalServerErrorException('quota not counted');
    const me: MeDto = {
      username: user.username,
      role: user.role,
      quota: { limit: quota.limit, remaining: quota.remaining, resetAt: quota.resetAt },
    };
    relay(response, { status: 200, body: me });
  }

  @Get('users')
  @Authenticated({ admin: true })
  @ApiAuthenticatedRoute({
    operationId: 'listUsers',
    summary: 'List users by username',
    admin: true,
    ok: { status: 200, type: UserPageDto, description: 'A page of users', headers: NEXT_LINK_DOC },
    errors: [{ status: 400, description: 'Invalid query' }],
  })
  async list(@Query() query: UserListQueryDto, @Req() request: Request, @Res() response: Response): Promise<void> {
    const answer = await this.upstreams.get('auth-service').call({
      caller: request.user,
      method: 'GET',
      path: '/users',
      query: toQueryParams(query),
      headers: withToken(request),
    });
    setNextPageLink(request, response, query, answer);
    relay(response, answer);
  }

  @Patch('users/:username')
  @Authenticated({ admin: true })
  @ApiParam({ name: 'username' })
  @ApiAuthenticatedRoute({
    operationId: 'updateUserRole',
    summary: "Change a user's role",
    description:
      "Takes effect on the user's next request: tokens carry the role they were signed with, but every request is checked against the account's current role (at most SESSION_CHECK_CACHE_SECONDS, default 2 s, later on other gateway replicas).",
    admin: true,
    ok: { status: 200, type: UserDto, description: 'The updated user' },
    errors: [
      { status: 400, description: 'Invalid role or unknown field' },
      { status: 404, description: 'No such user' },
      { status: 409, description: 'Would demote the last admin' },
    ],
  })
  async setRole(
    @Param('username') username: string,
    @Body() body: UpdateRoleDto,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const json = jsonBody(body);
    const answer = await this.upstreams.get('auth-service').call({
      caller: request.user,
      method: 'PATCH',
      path: `/users/${encodeURIComponent(username)}`,
      headers: { ...withToken(request), ...json.headers },
      body: json.body,
    });
    // The new role applies to that user's next request through this replica at once.
    if (answer.status === 200) this.accounts.forget(username);
    relay(response, answer);
  }
}
