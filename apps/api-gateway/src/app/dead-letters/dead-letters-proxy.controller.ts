import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  DEAD_LETTER_ID_EXAMPLE,
  DeadLetterDto,
  DeadLetterListQueryDto,
  DeadLetterPageDto,
  DeadLetterSummaryDto,
  ReplayDeadLettersDto,
  ReplayResultDto,
} from '@datalake/dto';
import { ALL_TOPICS, catalogueOf, isTopic, type Topic } from '@datalake/kafka-schemas';
import { createValidationPipe } from '@datalake/service-kit';
import { ApiAuthenticatedRoute, NEXT_LINK_DOC } from '../http/api-docs';
import { Authenticated } from '../http/authenticated.decorator';
import { setNextPageLink } from '../http/next-page-link';
import { forwardedHeaders, jsonBody, relay, toQueryParams, Upstreams, type UpstreamName } from '../upstream/upstreams';

/** The service owning a topic's dead letters (the one consuming the topic); unknown topic → 404. */
function owningService(topic: string): { topic: Topic; upstream: UpstreamName } {
  if (!isTopic(topic)) throw new NotFoundException(`unknown topic ${JSON.stringify(topic.slice(0, 64))}`);
  return { topic, upstream: catalogueOf(topic).service as UpstreamName };
}

const TOPIC_PARAM = {
  name: 'topic',
  enum: ALL_TOPICS,
  description: 'The topic whose dead letters (`<topic>.dlq`) to see',
};
const ID_PARAM = {
  name: 'id',
  description: 'Dead-letter id `<DLQ partition>-<DLQ offset>-<DLQ message time, ms>`',
  example: DEAD_LETTER_ID_EXAMPLE,
};

/**
 * `/dead-letters/<topic>`: the dead-letter index kept by the topic's owning consumer service
 * (admin only). Query and body are validated here too (scalars only, unknown fields 400).
 */
@ApiTags('dead-letters')
@Controller('dead-letters')
export class DeadLettersProxyController {
  constructor(private readonly upstreams: Upstreams) {}

  @Get(':topic')
  @Authenticated({ admin: true })
  @ApiParam(TOPIC_PARAM)
  @ApiAuthenticatedRoute({
    operationId: 'listDeadLetters',
    summary: "List a topic's dead letters, newest first, with cursor paging and counts per status",
    admin: true,
    ok: { status: 200, type: DeadLetterPageDto, description: 'A page of dead letters', headers: NEXT_LINK_DOC },
    errors: [
      { status: 400, description: 'Invalid query (unknown parameter, non-scalar value, bad cursor, status or reason)' },
      { status: 404, description: 'Unknown topic' },
    ],
  })
  async list(
    @Param('topic') topicName: string,
    @Query(createValidationPipe(DeadLetterListQueryDto)) query: DeadLetterListQueryDto,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { topic, upstream } = owningService(topicName);
    const answer = await this.upstreams.get(upstream).call({
      caller: request.user,
      method: 'GET',
      path: `/dead-letters/${topic}`,
      query: toQueryParams(query),
      headers: forwardedHeaders(request),
    });
    setNextPageLink(request, response, query, answer);
    relay(response, answer);
  }

  @Get(':topic/:id')
  @Authenticated({ admin: true })
  @ApiParam(TOPIC_PARAM)
  @ApiParam(ID_PARAM)
  @ApiAuthenticatedRoute({
    operationId: 'getDeadLetter',
    summary: 'One dead letter whole: its payload as stored in the DLQ and its headers',
    admin: true,
    ok: { status: 200, type: DeadLetterDto, description: 'The dead letter' },
    errors: [{ status: 404, description: 'Unknown topic or no such dead letter' }],
  })
  async get(
    @Param('topic') topicName: string,
    @Param('id') id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { topic, upstream } = owningService(topicName);
    relay(
      response,
      await this.upstreams.get(upstream).call({
        caller: request.user,
        method: 'GET',
        path: `/dead-letters/${topic}/${encodeURIComponent(id)}`,
        headers: forwardedHeaders(request),
      }),
    );
  }

  @Post(':topic/replay')
  @HttpCode(200)
  @Authenticated({ admin: true })
  @ApiParam(TOPIC_PARAM)
  @ApiBody({ type: ReplayDeadLettersDto })
  @ApiAuthenticatedRoute({
    operationId: 'replayDeadLetters',
    summary: 'Re-produce dead letters to their original topic (by ids, or every pending one of a reason)',
    description:
      'Exactly one of `ids` / `reason`; `payload` (the corrected record) only with exactly one id, validated against the topic contract first. ' +
      "Each pending entry is produced again keyed by the record's natural key and marked replayed once Kafka acknowledged it; records are stored by natural key, so replaying twice stores once. " +
      'Entries already replayed or discarded, unknown ids and truncated DLQ copies (without a corrected payload) are listed in `skipped`. A replay by reason handles at most 1,000 entries per call (`remaining`).',
    admin: true,
    ok: { status: 200, type: ReplayResultDto, description: 'How many were replayed, and which were skipped and why' },
    errors: [
      {
        status: 400,
        description:
          'Invalid body (unknown field, both or neither of ids/reason, payload without exactly one id), or an invalid corrected payload (`errors[]` per field, `payload.<field>`)',
      },
      { status: 404, description: 'Unknown topic' },
    ],
  })
  async replay(
    @Param('topic') topicName: string,
    @Body(createValidationPipe(ReplayDeadLettersDto)) body: ReplayDeadLettersDto,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { topic, upstream } = owningService(topicName);
    // Only the validated DTO's own fields are forwarded.
    const json = jsonBody({ ids: body.ids, reason: body.reason, payload: body.payload });
    relay(
      response,
      await this.upstreams.get(upstream).call({
        caller: request.user,
        method: 'POST',
        path: `/dead-letters/${topic}/replay`,
        headers: { ...forwardedHeaders(request), ...json.headers },
        body: json.body,
      }),
    );
  }

  @Post(':topic/:id/discard')
  @HttpCode(200)
  @Authenticated({ admin: true })
  @ApiParam(TOPIC_PARAM)
  @ApiParam(ID_PARAM)
  @ApiAuthenticatedRoute({
    operationId: 'discardDeadLetter',
    summary: 'Mark a pending dead letter discarded (kept in the DLQ and the index, never replayed)',
    admin: true,
    ok: { status: 200, type: DeadLetterSummaryDto, description: 'The dead letter, status discarded' },
    errors: [
      { status: 404, description: 'Unknown topic or no such dead letter' },
      { status: 409, description: 'The dead letter was already replayed' },
    ],
  })
  async discard(
    @Param('topic') topicName: string,
    @Param('id') id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { topic, upstream } = owningService(topicName);
    relay(
      response,
      await this.upstreams.get(upstream).call({
        caller: request.user,
        method: 'POST',
        path: `/dead-letters/${topic}/${encodeURIComponent(id)}/discard`,
        headers: forwardedHeaders(request),
      }),
    );
  }
}
