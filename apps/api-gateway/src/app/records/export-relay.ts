import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { UpstreamAnswer } from '../upstream/upstream-answer';
import { isStreamedAnswer, type StreamedAnswer } from '../upstream/upstream.client';
import { relay } from '../upstream/upstreams';

/** Headers of the service's export answer passed on to the client. */
const PASSED_HEADERS = ['content-type', 'content-disposition', 'cache-control'];

/**
 * Answers an export: the service's stream piped as it comes (never buffered: the service reads the
 * next records only when the client has taken the previous ones), or its error relayed. If the
 * client goes away, the pipeline destroys the upstream response, whose closed connection stops the
 * service's reads; if the service breaks off, the client's response is cut short too.
 */
export async function pipeExport(response: Response, answer: StreamedAnswer | UpstreamAnswer): Promise<void> {
  if (!isStreamedAnswer(answer)) {
    relay(response, answer);
    return;
  }
  response.status(answer.status);
  for (const name of PASSED_HEADERS) {
    const value = answer.headers[name];
    if (value !== undefined) response.setHeader(name, value);
  }
  await pipeline(answer.body, response).catch(() => undefined);
}
