import { Body, Controller, Put } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiBody, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { RECORD_RESOURCES } from './record-resources';

describe('update bodies in OpenAPI', () => {
  it('documents each resource update DTO, built from the catalogue, as a named schema', async () => {
    const [logs, posts, transactions] = RECORD_RESOURCES;
    @Controller('probe')
    class ProbeController {
      @Put('a') @ApiBody({ type: logs.updateBody }) a(@Body() body: object): object {
        return body;
      }
      @Put('b') @ApiBody({ type: posts.updateBody }) b(@Body() body: object): object {
        return body;
      }
      @Put('c') @ApiBody({ type: transactions.updateBody }) c(@Body() body: object): object {
        return body;
      }
    }
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const schemas = SwaggerModule.createDocument(app, new DocumentBuilder().build()).components?.schemas ?? {};
    await app.close();
    expect(schemas['TransactionUpdateDto']).toMatchObject({
      properties: {
        status: { type: 'string', enum: ['pending', 'completed', 'failed', 'refunded'] },
        merchant: { type: 'string', maxLength: 256 },
      },
    });
    expect(Object.keys((schemas['TransactionUpdateDto'] as { properties: object }).properties).sort()).toEqual([
      'category',
      'merchant',
      'paymentMethod',
      'status',
    ]);
    expect(schemas['SocialPostUpdateDto']).toMatchObject({ properties: { likes: { type: 'integer', minimum: 0 } } });
    expect(schemas['NetworkLogUpdateDto']).toMatchObject({
      properties: { severity: { type: 'string', maxLength: 32 } },
    });
    expect((schemas['TransactionUpdateDto'] as { required?: string[] }).required).toBeUndefined();
  });
});
