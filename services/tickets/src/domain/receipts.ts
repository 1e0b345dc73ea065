import { unprocessable } from '@backoffice/contracts';

/** Seed 002: a ticket is completed only with at least one receipt image. */
export function assertCanComplete(receiptCount: number): void {
  if (receiptCount < 1) throw unprocessable('完成工单前请至少上传一张回执图片', 'RECEIPT_REQUIRED');
}

/**
 * Which uploaded files are new for a ticket: the first of each checksum not already stored.
 * The rest are reported back as duplicates, never stored twice.
 */
export function splitDuplicates<T extends { checksum: string }>(files: readonly T[], stored: ReadonlySet<string>): { fresh: T[]; duplicates: T[] } {
  const seen = new Set(stored);
  const fresh: T[] = [];
  const duplicates: T[] = [];
  for (const file of files) {
    if (seen.has(file.checksum)) duplicates.push(file);
    else {
      seen.add(file.checksum);
      fresh.push(file);
    }
  }
  return { fresh, duplicates };
}
