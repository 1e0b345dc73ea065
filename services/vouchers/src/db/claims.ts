import { isRetryableTransactionError } from '@backoffice/kit';
import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';

export interface Claim {
  voucher_no: string;
  operation: 'verify' | 'cancel';
  platform_id: number;
  request_id: string;
  operator_id: number;
  created_at: Date;
}

/**
 * One verify or cancel in flight per voucher code, across requests and replicas: the claim row's
 * primary key decides. The row also carries the platform idempotency key, so that work whose answer
 * was lost can be finished by asking the platform.
 */
export class ClaimStore {
  constructor(private readonly sequelize: Sequelize) {}

  async take(claim: Omit<Claim, 'created_at'>): Promise<boolean> {
    try {
      await this.sequelize.query(
        'INSERT INTO voucher_claims (voucher_no, operation, platform_id, request_id, operator_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        { replacements: [claim.voucher_no, claim.operation, claim.platform_id, claim.request_id, claim.operator_id, new Date()], type: QueryTypes.INSERT },
      );
      return true;
    } catch (err) {
      // under a burst on one code InnoDB may pick a waiting duplicate insert as a deadlock victim: it lost too
      if (err instanceof UniqueConstraintError || isRetryableTransactionError(err)) return false;
      throw err;
    }
  }

  async release(voucherNo: string, requestId: string, transaction?: Transaction): Promise<void> {
    await this.sequelize.query('DELETE FROM voucher_claims WHERE voucher_no = ? AND request_id = ?', { replacements: [voucherNo, requestId], transaction });
  }

  async get(voucherNo: string): Promise<Claim | undefined> {
    const [row] = await this.sequelize.query<Claim>('SELECT * FROM voucher_claims WHERE voucher_no = ?', { replacements: [voucherNo], type: QueryTypes.SELECT });
    return row;
  }

  async staleSince(before: Date): Promise<Claim[]> {
    return this.sequelize.query<Claim>('SELECT * FROM voucher_claims WHERE created_at < ? ORDER BY created_at LIMIT 100', { replacements: [before], type: QueryTypes.SELECT });
  }
}
