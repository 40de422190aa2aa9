import { Body, Controller, Get, HttpCode, Param, Post, Query, type Type } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DeadLetterListQueryDto, ReplayDeadLettersDto } from '@datalake/dto';
import { createValidationPipe } from '@datalake/service-kit';
import { DeadLettersService } from './dead-letters.service';

/**
 * `/dead-letters/<topic>` of the service's own topic (the public name; a test copy of the topic
 * is still reached by it). Other topics are not routed here: 404. The gateway checks the role.
 */
export function createDeadLettersController(topic: string): Type {
  @ApiTags('dead-letters')
  @Controller(`dead-letters/${topic}`)
  class DeadLettersController {
    constructor(private readonly deadLetters: DeadLettersService) {}

    @Get()
    list(@Query(createValidationPipe(DeadLetterListQueryDto)) query: DeadLetterListQueryDto) {
      return this.deadLetters.list(query);
    }

    @Post('replay')
    @HttpCode(200)
    replay(@Body(createValidationPipe(ReplayDeadLettersDto)) body: ReplayDeadLettersDto) {
      return this.deadLetters.replay(body);
    }

    @Get(':id')
    get(@Param('id') id: string) {
      return this.deadLetters.get(id);
    }

    @Post(':id/discard')
    @HttpCode(200)
    discard(@Param('id') id: string) {
      return this.deadLetters.discard(id);
    }
  }
  return DeadLettersController;
}
