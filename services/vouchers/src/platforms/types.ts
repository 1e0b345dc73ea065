import type { PlatformCode } from '../domain/rules.js';

/** A voucher as a platform describes it, in our units (fen, Beijing dates). */
export interface PlatformVoucher {
  code: string;
  orderNo: string | null;
  dealId: string;
  title: string;
  originalFen: number;
  paidFen: number;
  phone: string | null;
  name: string | null;
  /** Seed codes: 1 unused, 2 verified, 3 expired, 4 refunded. */
  status: number;
  expireDate: string | null;
  createdAt: Date | null;
  /** Douyin: needed to verify, query and cancel. */
  certificateId?: string | null;
  encryptedCode?: string | null;
  /** Douyin: the idempotency key of one verification, from prepare. */
  verifyToken?: string | null;
}

export type Refusal = 'not_found' | 'used' | 'expired' | 'refunded';

export type QueryResult = { ok: true; voucher: PlatformVoucher } | { ok: false; refusal: Refusal };
export type RedeemResult = { ok: true; verifyId: string | null } | { ok: false; refusal: Refusal | 'other'; message: string };
export type ReverseResult = { ok: true } | { ok: false; refusal: 'window' | 'not_verified' | 'other'; message: string };

/** What we know about a redemption after the answer to it was lost. */
export interface RedemptionState {
  redeemed: boolean;
  verifyId: string | null;
  /** The voucher as the platform now describes it (to finish a verification whose request died). */
  voucher?: PlatformVoucher;
}

/** The call may or may not have reached the platform (timeout, reset, 5xx): ask before doing anything else. */
export class OutcomeUnknown extends Error {
  override name = 'OutcomeUnknown';
}

export interface ReverseTarget {
  code: string;
  dealId: string | null;
  certificateId: string | null;
  verifyId: string | null;
}

export interface PlatformClient {
  readonly code: PlatformCode;
  readonly platformId: number;
  /** Meituan: exchanges an auth code for a session; Douyin: fetches a fresh client token. */
  authorize(authCode?: string): Promise<{ expires_at: Date }>;
  query(code: string): Promise<QueryResult>;
  redeem(voucher: PlatformVoucher, requestId: string, operator: { id: number; name: string }): Promise<RedeemResult>;
  redemptionState(voucher: PlatformVoucher): Promise<RedemptionState>;
  reverse(target: ReverseTarget, requestId: string, operator: { id: number; name: string }): Promise<ReverseResult>;
  /** Orders (vouchers sold) created in [from, to], page by page. */
  listOrders(from: Date, to: Date): AsyncGenerator<PlatformVoucher[]>;
  breakerState(): string;
  shutdown(): void;
}
