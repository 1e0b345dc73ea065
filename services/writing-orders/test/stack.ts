import { ADMIN_PASSWORD, startHarness, type Harness } from '@backoffice/standalone/testing';
import { writingOrdersService } from '../src/index.js';

export { ADMIN_PASSWORD };

export interface WritingHarness extends Harness {
  uploadRoot: string;
}

/** identity + writing-orders + gateway on MariaDB and NATS; tests talk to the gateway only. */
export async function startWritingHarness(label: string, env: Record<string, string> = {}): Promise<WritingHarness> {
  const h = await startHarness({
    label,
    services: [writingOrdersService],
    tempDirs: { UPLOAD_ROOT: 'writing-uploads-' },
    env: {
      DATA_ENCRYPTION_KEY: 'writing-test-encryption-key-0123456789',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '1000',
      ...env,
    },
  });
  return { ...h, uploadRoot: h.dirs.UPLOAD_ROOT };
}
