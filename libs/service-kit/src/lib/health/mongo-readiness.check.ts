import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { ReadinessCheck } from './readiness-check';

@Injectable()
export class MongoReadinessCheck implements ReadinessCheck {
  readonly name = 'mongo';

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async check(): Promise<void> {
    if (!this.connection.db) throw new Error('not connected');
    await this.connection.db.command({ ping: 1 });
  }
}
