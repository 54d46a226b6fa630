import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  middleware: (req: Request, res: Response, next: NextFunction) => void;
}

/** Request counts and latency by route (tRPC calls are labelled by procedure path). */
export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  // the event-loop delay at 1 ms resolution (prom-client's default, 10 ms, adds up to 10 ms to every figure):
  // nodejs_eventloop_lag_p99_seconds is then the p99 since the last scrape, within a millisecond (issue 15)
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1 });
  const requests = new Counter({
    name: 'valore_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'valore_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routeLabel(req);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      latency.observe({ method: req.method, route }, seconds);
    });
    next();
  };
  return { registry, middleware };
}

function routeLabel(req: Request): string {
  const url = req.originalUrl.split('?')[0] ?? '';
  if (url.startsWith('/trpc/')) return `/trpc/${url.slice(6).split(',').slice(0, 3).join(',')}`;
  if (url.startsWith('/f/')) return '/f/:token';
  if (url.startsWith('/api/') || url === '/healthz' || url === '/metrics') return url;
  return 'static';
}
