import { forbidden } from '@backoffice/contracts';
import type { Request } from 'express';
import { z } from 'zod';
import { MESSAGES } from '../domain/rules.js';
import type { Operator } from '../app/verification.js';

export const voucherCode = z
  .string({ error: '请输入券码' })
  .trim()
  .min(1, '请输入券码')
  .max(50, '券码不能超过50个字符');

export const operatorBody = {
  voucher_code: voucherCode,
  /** The seed sends it; it must be the signed-in user. */
  operator_id: z.coerce.number().int().positive().optional(),
};

/** The operator is the signed-in user; a body operator_id naming someone else is refused. */
export function operatorOf(req: Request, bodyOperatorId?: number): Operator {
  const user = req.user!;
  if (bodyOperatorId !== undefined && bodyOperatorId !== user.id) throw forbidden(MESSAGES.operatorMismatch, 'OPERATOR_MISMATCH');
  return { id: user.id, name: user.username };
}
