import { eventually } from '@backoffice/kit/testing';
import { ADMIN_PASSWORD, startHarness, type Harness } from '@backoffice/standalone/testing';
import { ticketsService } from '../src/index.js';

export { ADMIN_PASSWORD };

export interface TicketsHarness extends Harness {
  uploadRoot: string;
}

/** identity + tickets + gateway on MariaDB and NATS; tests talk to the gateway only. */
export async function startTicketsHarness(label: string, env: Record<string, string> = {}): Promise<TicketsHarness> {
  const h = await startHarness({
    label,
    services: [ticketsService],
    tempDirs: { UPLOAD_ROOT: 'tickets-uploads-' },
    env: {
      DATA_ENCRYPTION_KEY: 'tickets-test-encryption-key-0123456789',
      BOOKING_RATE_LIMIT_PER_MINUTE: '100',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '1000',
      ...env,
    },
  });
  return { ...h, uploadRoot: h.dirs.UPLOAD_ROOT };
}

/** Waits until the tickets service has heard of an identity user (identity.user.created over NATS). */
export async function directoryHas(h: TicketsHarness, userId: number) {
  await eventually(
    async () => {
      const rows = await h.sql('tickets', 'SELECT id FROM directory_users WHERE id = ?', [userId]);
      return rows.length > 0;
    },
    10_000,
    `user ${userId} in the tickets directory`,
  );
}

/** A real 1×1 PNG; `salt` appended after IEND makes distinct files of the same type. */
export function png(salt = ''): Buffer {
  const base = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  return Buffer.concat([base, Buffer.from(salt)]);
}

export function jpeg(salt = ''): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), Buffer.alloc(64, 1), Buffer.from(salt), Buffer.from([0xff, 0xd9])]);
}

export function form(files: Array<{ name: string; data: Buffer; type?: string }>, field = 'files'): FormData {
  const body = new FormData();
  for (const f of files) body.append(field, new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name);
  return body;
}

export const futureDate = (days = 3) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export const booking = (overrides: Record<string, unknown> = {}) => ({
  customer_name: '王小明',
  customer_phone: '13812345678',
  address: '上海市浦东新区世纪大道100号',
  appointment_date: futureDate(),
  appointment_time: '09:00-11:00',
  issue_desc: '空调不制冷，外机有异响',
  ...overrides,
});
