import type { RequestHandler } from 'express';

/**
 * Faults a test can inject: added latency, 5xx answers, requests that hang or whose connection is
 * dropped before handling, and requests that are handled (the platform changes state) but whose answer
 * never arrives (`after: 'hang' | 'drop'`). Counts are consumed one per matching request.
 */
export interface FaultPlan {
  latencyMs: number;
  errors: number;
  errorStatus: number;
  hang: number;
  drop: number;
  /** Handle, then lose the answer. */
  afterHang: number;
  afterDrop: number;
  /** Only requests whose path contains this. */
  path?: string;
}

const none = (): FaultPlan => ({ latencyMs: 0, errors: 0, errorStatus: 503, hang: 0, drop: 0, afterHang: 0, afterDrop: 0 });

export class Faults {
  /** The main plan (what POST /__admin/faults edits) and any further ones added with `add: true`. */
  plans: FaultPlan[] = [none()];

  get plan(): FaultPlan {
    return this.plans[0];
  }

  set(update: Partial<FaultPlan>): FaultPlan {
    this.plans[0] = { ...this.plans[0], ...defined(update) };
    return this.plans[0];
  }

  add(update: Partial<FaultPlan>): FaultPlan {
    const plan = { ...none(), ...defined(update) };
    this.plans.push(plan);
    return plan;
  }

  reset(): void {
    this.plans = [none()];
  }

  private take(plans: FaultPlan[], key: 'errors' | 'hang' | 'drop' | 'afterHang' | 'afterDrop'): FaultPlan | undefined {
    const plan = plans.find((p) => p[key] > 0);
    if (plan) plan[key] -= 1;
    return plan;
  }

  middleware(): RequestHandler {
    return async (req, res, next) => {
      if (req.path.startsWith('/__admin')) return next();
      const plans = this.plans.filter((p) => !p.path || req.path.includes(p.path));
      const latency = Math.max(0, ...plans.map((p) => p.latencyMs));
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      if (this.take(plans, 'drop')) return void req.socket.destroy();
      if (this.take(plans, 'hang')) return; // the client's timeout ends it
      const failing = this.take(plans, 'errors');
      if (failing) return void res.status(failing.errorStatus).type('text/plain').send('Service Temporarily Unavailable');
      if (this.take(plans, 'afterDrop')) {
        res.json = (() => (req.socket.destroy(), res)) as typeof res.json;
      } else if (this.take(plans, 'afterHang')) {
        res.json = (() => res) as typeof res.json;
      }
      next();
    };
  }
}

const defined = (update: Partial<FaultPlan>) => Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) as Partial<FaultPlan>;

/** Calls per second allowed per caller; above it the platform's throttling error. */
export class Throttle {
  private window = 0;
  private counts = new Map<string, number>();

  constructor(public qps: number) {}

  allow(caller: string): boolean {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.window) {
      this.window = second;
      this.counts.clear();
    }
    const n = (this.counts.get(caller) ?? 0) + 1;
    this.counts.set(caller, n);
    return n <= this.qps;
  }
}
