/**
 * The settlement state machine of a customer order, as data. The seed names the states and the manual
 * settlement edges; the rest (fixing, locking, unlocking) is our decision, documented in SETTLEMENT.md.
 */
export const SETTLEMENT_STATUSES = ['Pending', 'Eligible', 'Locked', 'SelfLocked', 'WriterSettled', 'AllSettled'] as const;
export type SettlementStatus = (typeof SETTLEMENT_STATUSES)[number];

export type SettlementAction =
  /** is_fixed set to 1 (定稿). */
  | 'fix'
  /** is_fixed set back to 0 (only while unlocked). */
  | 'unfix'
  /** Finance locks for payout; SelfLocked when there is no writer fee to pay. */
  | 'lock'
  | 'lock-self'
  /** Finance unlocks an order not yet settled. */
  | 'unlock'
  /** Manual settlement (PUT /settlement-status). */
  | 'settle';

export interface Edge {
  from: SettlementStatus;
  action: SettlementAction;
  to: SettlementStatus;
}

export const EDGES: readonly Edge[] = [
  { from: 'Pending', action: 'fix', to: 'Eligible' },
  { from: 'Eligible', action: 'unfix', to: 'Pending' },
  { from: 'Eligible', action: 'lock', to: 'Locked' },
  { from: 'Eligible', action: 'lock-self', to: 'SelfLocked' },
  { from: 'Locked', action: 'unlock', to: 'Eligible' },
  { from: 'SelfLocked', action: 'unlock', to: 'Eligible' },
  // the seed's manual settlement rules
  { from: 'Locked', action: 'settle', to: 'WriterSettled' },
  { from: 'Locked', action: 'settle', to: 'AllSettled' },
  { from: 'SelfLocked', action: 'settle', to: 'AllSettled' },
  { from: 'WriterSettled', action: 'settle', to: 'AllSettled' },
];

export const isSettlementStatus = (s: string): s is SettlementStatus => (SETTLEMENT_STATUSES as readonly string[]).includes(s);

/** Is `from --action--> to` an edge of the machine? */
export function allowed(from: SettlementStatus, action: SettlementAction, to: SettlementStatus): boolean {
  return EDGES.some((e) => e.from === from && e.action === action && e.to === to);
}

/** The one target an action leads to from `from` (for actions with a single target), or null. */
export function target(from: SettlementStatus, action: Exclude<SettlementAction, 'settle'>): SettlementStatus | null {
  return EDGES.find((e) => e.from === from && e.action === action)?.to ?? null;
}

export const transitionRefusal = (from: string, to: string) => `不允许从 ${from} 状态修改为 ${to} 状态`;

/** States in which an order counts as settled (paid in whole or in part). */
export const SETTLED: readonly SettlementStatus[] = ['WriterSettled', 'AllSettled'];
/** States an unlocked order may be in. */
export const UNSETTLED: readonly SettlementStatus[] = ['Pending', 'Eligible'];

/** Status a new or edited (unlocked) order takes from its 定稿 flag. */
export const statusForFixed = (isFixed: boolean): SettlementStatus => (isFixed ? 'Eligible' : 'Pending');

/** Which lock an order gets: SelfLocked when no writer fee is owed (nothing to pay writers). */
export const lockAction = (writerFeesFen: number): 'lock' | 'lock-self' => (writerFeesFen > 0 ? 'lock' : 'lock-self');

/** Flags the double-export guard sets when an order reaches `to`. */
export function exportFlagsOn(to: SettlementStatus): { writer_settlement_exported?: 1; customer_settlement_exported?: 1 } {
  if (to === 'WriterSettled') return { writer_settlement_exported: 1 };
  if (to === 'AllSettled') return { writer_settlement_exported: 1, customer_settlement_exported: 1 };
  return {};
}
