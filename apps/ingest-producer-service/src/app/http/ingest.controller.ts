import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Param, ParseEnumPipe, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { IngestResultDto } from '@datalake/dto';
import { ALL_TOPICS, EVENT_HEADERS, type Topic } from '@datalake/kafka-schemas';
import { DomainError, RequiresRole } from '@datalake/service-kit';
import { IngestService } from '../ingest.service';
import { parseIngestBody } from './ingest-body';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const topicPipe = new ParseEnumPipe(Object.fromEntries(ALL_TOPICS.map((topic) => [topic, topic])), {
  exceptionFactory: () => new DomainError('NOT_FOUND', `unknown topic; use one of ${ALL_TOPICS.join(', ')}`),
});

@ApiTags('ingest')
@Controller('ingest')
// Ingestion is an admin's act at the gateway; checked again here on the internal token's user.
@RequiresRole('admin')
export class IngestController {
  constructor(private readonly ingestService: IngestService) {}

  @Post(':topic')
  @HttpCode(202)
  @ApiOperation({ summary: 'Validate records and produce the valid ones to Kafka (202 after Kafka acknowledged)' })
  @ApiParam({ name: 'topic', enum: ALL_TOPICS })
  @ApiBody({ description: 'A JSON object, a JSON array, or NDJSON (application/x-ndjson)' })
  @ApiAcceptedResponse({
    type: IngestResultDto,
    description:
      '`accepted` counts exactly the records Kafka acknowledged; every other record has an `errors` entry: refused ' +
      '(e.g. TOO_LARGE over 900 KiB, TOO_DEEP over 32 levels) or, when Kafka failed part-way, NOT_STORED / OUTCOME_UNKNOWN',
  })
  @ApiServiceUnavailableResponse({
    description:
      'Kafka acknowledged none of the valid records. The message says whether some may have been stored ' +
      '(a request timed out in flight); retrying is safe either way, records are stored by natural key',
  })
  ingest(
    @Param('topic', topicPipe) topic: Topic,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers(EVENT_HEADERS.correlationId) correlationHeader: string | undefined,
    @Req() request: Request,
  ): Promise<IngestResultDto> {
    const records = parseIngestBody(body, contentType);
    const correlationId =
      correlationHeader && CORRELATION_ID.test(correlationHeader)
        ? correlationHeader
        : String(request.id ?? randomUUID());
    request.res?.setHeader(EVENT_HEADERS.correlationId, correlationId);
    return this.ingestService.ingest(topic, records, { kind: 'http', name: 'api' }, correlationId);
  }
}
