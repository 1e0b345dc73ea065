import { startService, type RunningService } from '@backoffice/kit';
import { ADMIN_PASSWORD, startHarness, type Harness } from '@backoffice/standalone/testing';
import ExcelJS from 'exceljs';
import { createVirtualOrdersService, type VirtualOrdersOptions } from '../src/index.js';

export { ADMIN_PASSWORD };

type Parts = Parameters<NonNullable<VirtualOrdersOptions['onBuilt']>>[0];

/** Time the service sees; tests move it. */
export class TestClock {
  now = new Date();
  readonly read = () => new Date(this.now.getTime());
  advanceHours(h: number) {
    this.now = new Date(this.now.getTime() + h * 3_600_000);
  }
}

export interface VirtualHarness extends Harness {
  clock: TestClock;
  parts: Parts;
  env: Record<string, string>;
  /** A second virtual-orders instance on the same database and bus (another replica). */
  replica(): Promise<{ service: RunningService; parts: Parts }>;
}

/** identity + virtual-orders + gateway on MariaDB and NATS; tests talk to the gateway. */
export async function startVirtualHarness(label: string, env: Record<string, string> = {}, options: Pick<VirtualOrdersOptions, 'orderNumber'> = {}): Promise<VirtualHarness> {
  const clock = new TestClock();
  let parts: Parts | undefined;
  const h = await startHarness({
    label,
    services: [createVirtualOrdersService({ ...options, clock: clock.read, onBuilt: (p) => (parts = p) })],
    tempDirs: { UPLOAD_ROOT: 'virtual-uploads-' },
    env: {
      DATA_ENCRYPTION_KEY: 'virtual-test-encryption-key-0123456789',
      // the tests move time themselves and call the expiry directly; no cron tick may interfere
      VIRTUAL_SCHEDULED_JOBS: 'false',
      ...env,
    },
  });
  const fullEnv: Record<string, string> = {
    ADMIN_PASSWORD,
    DATA_ENCRYPTION_KEY: 'virtual-test-encryption-key-0123456789',
    VIRTUAL_SCHEDULED_JOBS: 'false',
    UPLOAD_ROOT: h.dirs.UPLOAD_ROOT,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  };
  return {
    ...h,
    clock,
    parts: parts!,
    env: fullEnv,
    async replica() {
      let replicaParts: Parts | undefined;
      const identity = h.stack.services.identity;
      const service = await startService(createVirtualOrdersService({ clock: clock.read, onBuilt: (p) => (replicaParts = p) }), {
        env: {
          ...process.env,
          ...fullEnv,
          DATABASE_URL: h.dbs['virtual-orders'].url,
          BUS_URL: h.busUrl,
          PORT: '0',
          INTERNAL_API_TOKEN: h.stack.internalToken,
          JWKS_URL: `${identity.url}/.well-known/jwks.json`,
          IDENTITY_URL: identity.url,
        },
        accessLog: false,
      });
      h.onStop(() => service.stop());
      return { service, parts: replicaParts! };
    },
  };
}

/** An .xlsx whose first sheet has `header` and `rows`. */
export async function xlsx(header: string[], rows: unknown[][], sheetName = 'Sheet1'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function fileForm(data: Buffer, name = 'subsidy.xlsx', fields: Record<string, string> = {}): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  body.append('file', new Blob([new Uint8Array(data)]), name);
  return body;
}
