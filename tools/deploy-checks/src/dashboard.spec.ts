import { readRootFile } from './lib/workspace';

/* eslint-disable @typescript-eslint/no-explicit-any */

const DASHBOARD = 'docker/grafana/datalake-dashboard.json';

/** The metric names the services export (the lead's contract for the observability work). */
const METRICS = [
  'http_request_duration_seconds',
  'datalake_records_produced_total',
  'datalake_records_consumed_total',
  'datalake_records_stored_total',
  'datalake_records_dead_lettered_total',
  'datalake_batch_size',
  'datalake_consumer_lag',
  'datalake_quota_rejections_total',
];

function panels(dashboard: any): any[] {
  return (dashboard.panels as any[]).flatMap((p) => [p, ...((p.panels as any[]) ?? [])]);
}

function expressions(dashboard: any, type?: string): string[] {
  return panels(dashboard)
    .filter((p) => !type || p.type === type)
    .flatMap((p) => ((p.targets as any[]) ?? []).map((t) => t.expr as string));
}

describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(readRootFile(DASHBOARD));

  it('is an importable dashboard with unique panel ids and a Prometheus data source variable', () => {
    expect(dashboard.title).toBe('DataLake');
    expect(typeof dashboard.uid).toBe('string');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = panels(dashboard).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels(dashboard)) {
      expect(panel.gridPos).toEqual(
        expect.objectContaining({
          h: expect.any(Number),
          w: expect.any(Number),
        }),
      );
      if (panel.type !== 'row')
        expect(panel.datasource).toEqual({
          type: 'prometheus',
          uid: '${datasource}',
        });
    }
    const datasource = dashboard.templating.list.find((v: any) => v.name === 'datasource');
    expect(datasource).toEqual(expect.objectContaining({ type: 'datasource', query: 'prometheus' }));
  });

  it('charts every exported metric', () => {
    const all = expressions(dashboard).join('\n');
    for (const metric of METRICS)
      expect({ metric, charted: all.includes(metric) }).toEqual({
        metric,
        charted: true,
      });
  });

  it('has the panels platform teams look for', () => {
    const titles = panels(dashboard).map((p) => String(p.title).toLowerCase());
    for (const wanted of [
      'request rate by route',
      'latency p50 by route',
      'latency p95 by route',
      'latency p99 by route',
      'error rate',
      'records produced by topic',
      'records consumed and stored by topic',
      'records dead-lettered by topic',
      'batch size',
      'consumer lag',
      'quota rejections',
    ]) {
      expect({ wanted, found: titles.some((t) => t.includes(wanted)) }).toEqual({ wanted, found: true });
    }
  });

  it('uses the metric types correctly (histograms via _bucket, counters via rate/increase)', () => {
    for (const expr of expressions(dashboard)) {
      let depth = 0;
      for (const ch of expr) {
        if ('({['.includes(ch)) depth++;
        if (')}]'.includes(ch)) depth--;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect({ expr, balanced: depth === 0 }).toEqual({ expr, balanced: true });
      if (expr.includes('histogram_quantile')) expect(expr).toMatch(/_bucket\{/);
      for (const counter of expr.match(/\b\w+_total\b/g) ?? []) {
        expect({
          expr,
          counter,
          wrapped: new RegExp(`(rate|increase)\\(${counter}`).test(expr),
        }).toEqual({ expr, counter, wrapped: true });
      }
    }
  });

  it('splits the pipeline graphs by topic', () => {
    for (const expr of expressions(dashboard, 'timeseries').filter((e) =>
      /datalake_records_(produced|consumed|stored|dead_lettered)_total|datalake_consumer_lag/.test(e),
    )) {
      expect(expr).toMatch(/by \((le, )?topic/);
    }
  });
});
