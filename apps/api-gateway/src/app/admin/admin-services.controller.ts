import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ServiceHealthListDto } from '@datalake/dto';
import { ApiAuthenticatedRoute } from '../http/api-docs';
import { Authenticated } from '../http/authenticated.decorator';
import { ServiceHealth } from './service-health';

@ApiTags('admin')
@Controller('admin')
export class AdminServicesController {
  constructor(private readonly health: ServiceHealth) {}

  @Get('services')
  @Authenticated({ admin: true })
  @ApiAuthenticatedRoute({
    operationId: 'serviceHealth',
    summary: "Each upstream service's readiness (auth, ingest, the three record services)",
    description:
      'The gateway asks every service at once; one that does not answer 200 within SERVICE_HEALTH_TIMEOUT_MS (default 2 s) is `down`, with the reason in `details`. ' +
      "`details` is the service's readiness report (`checks` per dependency) with its `httpStatus`.",
    admin: true,
    ok: { status: 200, type: ServiceHealthListDto, description: 'One entry per service' },
  })
  async services(): Promise<ServiceHealthListDto> {
    return { services: await this.health.check() };
  }
}
