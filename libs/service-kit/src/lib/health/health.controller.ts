import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { PublicRoute } from '../internal-calls/route-access';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

const CHECK_TIMEOUT_MS = 3000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Get('live')
  // The one route the public port of an internal service answers without an internal token.
  @PublicRoute()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: MongoDB and Kafka answer (503 otherwise)' })
  ready() {
    return this.health.check(this.checks.map((check) => () => this.run(check)));
  }

  private async run(check: ReadinessCheck) {
    const session = this.indicators.check(check.name);
    let timer: NodeJS.Timeout | undefined;
    try {
      const details = await Promise.race([
        check.check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
        }),
      ]);
      return session.up(details || undefined);
    } catch (error) {
      return session.down({ message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
