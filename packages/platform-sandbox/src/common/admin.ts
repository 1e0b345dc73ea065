import express, { type Express, type Router } from 'express';
import { SandboxClock } from './clock.js';
import { Faults, Throttle } from './faults.js';

/** What every platform imitation shares: its clock, faults, throttle and the /__admin API. */
export interface SandboxCore {
  app: Express;
  clock: SandboxClock;
  faults: Faults;
  throttle: Throttle;
  /** Platform-specific admin routes mount here (under /__admin). */
  admin: Router;
}

const num = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : Number(v));

/**
 * Builds the express app with the admin API:
 * `GET|POST /__admin/clock` {advance_seconds | offset_seconds}, `POST|DELETE /__admin/faults`
 * {latency_ms, errors, error_status, hang, drop, after_hang, after_drop, path, add (another plan beside the main one)}, `POST /__admin/throttle` {qps}.
 */
export function createSandboxCore(defaultQps: number): SandboxCore {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const clock = new SandboxClock();
  const faults = new Faults();
  const throttle = new Throttle(defaultQps);
  const admin = express.Router();
  admin.use(express.json());
  admin.get('/clock', (_req, res) => void res.json({ now: new Date(clock.now()).toISOString(), offset_seconds: clock.offsetSeconds }));
  admin.post('/clock', (req, res) => {
    const body = req.body ?? {};
    if (body.offset_seconds !== undefined) clock.set(Number(body.offset_seconds));
    if (body.advance_seconds !== undefined) clock.advance(Number(body.advance_seconds));
    res.json({ now: new Date(clock.now()).toISOString(), offset_seconds: clock.offsetSeconds });
  });
  admin.post('/faults', (req, res) => {
    const b = req.body ?? {};
    const plan = {
      latencyMs: num(b.latency_ms),
      errors: num(b.errors),
      errorStatus: num(b.error_status),
      hang: num(b.hang),
      drop: num(b.drop),
      afterHang: num(b.after_hang),
      afterDrop: num(b.after_drop),
      path: b.path ?? '',
    };
    res.json(b.add ? faults.add(plan) : faults.set(plan));
  });
  admin.delete('/faults', (_req, res) => {
    faults.reset();
    res.json(faults.plan);
  });
  admin.post('/throttle', (req, res) => {
    throttle.qps = Number(req.body?.qps ?? defaultQps);
    res.json({ qps: throttle.qps });
  });
  app.use('/__admin', admin);
  app.use(faults.middleware());
  return { app, clock, faults, throttle, admin };
}
