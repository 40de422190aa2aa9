import { Body, Controller, Get, Param, Patch, Query, UseGuards } from '@nestjs/common';
import { type AuthenticatedUser, CurrentUser, JwtAuthGuard, Roles, RolesGuard } from '@datalake/auth';
import { UpdateRoleDto, UserListQueryDto, type UserDto, type UserPageDto } from '@datalake/dto';
import { UsersService } from './users.service';

/** The auth-service checks the bearer token itself too: it is reachable inside the cluster. */
@Controller()
@UseGuards(JwtAuthGuard, RolesGuard)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserDto> {
    return this.users.me(user.id);
  }

  @Get('users')
  @Roles('admin')
  list(@Query() query: UserListQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Patch('users/:username')
  @Roles('admin')
  setRole(
    @Param('username') username: string,
    @Body() body: UpdateRoleDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<UserDto> {
    return this.users.setRole(username, body.role, user.username);
  }
}
