import { Body, Controller, Post } from '@nestjs/common';
import { RegisterDto, type UserDto } from '@datalake/dto';
import { UsersService } from './users.service';

@Controller('register')
export class RegistrationController {
  constructor(private readonly users: UsersService) {}

  @Post()
  register(@Body() body: RegisterDto): Promise<UserDto> {
    return this.users.register(body.username, body.password);
  }
}
