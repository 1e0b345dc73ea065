/** Seed 001 codes and the rules around them. No I/O. */

export const VOUCHER_STATUS = { unused: 1, verified: 2, expired: 3, refunded: 4 } as const;
export const VOUCHER_STATUS_NAMES: Record<number, string> = { 1: '未核销', 2: '已核销', 3: '已过期', 4: '已退款' };
export const VOUCHER_TYPE = { membership: 1, privateCourse: 2, groupClass: 3 } as const;
export const VOUCHER_TYPE_NAMES: Record<number, string> = { 1: '会员卡', 2: '私教课', 3: '团课' };
export const OPERATION = { verify: 1, cancel: 2 } as const;
/** 1 开卡, 2 续费, 3 购买课程 (seed); 4 团课预约 is ours, the seed has no code for a class booking. */
export const RESULT_TYPE = { cardOpened: 1, cardRenewed: 2, courseBought: 3, classBooked: 4 } as const;

export type PlatformCode = 'meituan' | 'douyin';
export const PLATFORM_NAMES: Record<PlatformCode, string> = { meituan: '美团', douyin: '抖音' };

/** How long after a redemption the platform still accepts a cancel. */
export const CANCEL_WINDOW_MS: Record<PlatformCode, number> = { meituan: 10 * 60_000, douyin: 60 * 60_000 };
export const CANCEL_WINDOW_TEXT: Record<PlatformCode, string> = { meituan: '美团核销后10分钟内', douyin: '抖音核销后1小时内' };

export const MESSAGES = {
  notFound: '券码错误',
  alreadyVerified: '券已核销',
  expired: '券已过期',
  refunded: '券已退款',
  inProgress: '该券正在处理中，请勿重复提交',
  notVerified: '券未核销，无法撤销',
  cancelWindow: (p: PlatformCode) => `已超过撤销时限（${CANCEL_WINDOW_TEXT[p]}可撤销）`,
  unmapped: '该团购商品未关联门店产品，请先在平台配置中设置商品映射',
  typeMismatch: '券类型与产品信息不匹配',
  unreachable: (p: PlatformCode) => `${PLATFORM_NAMES[p]}平台暂时无法访问，请稍后重试`,
  outcomeUnknown: (p: PlatformCode) => `${PLATFORM_NAMES[p]}平台未返回核销结果，系统将自动确认，请稍后查询该券状态`,
  operatorMismatch: '操作员必须是当前登录用户',
  effectPending: '券已在平台核销，系统稍后将自动完成开卡/课程办理，请勿重复核销',
} as const;

export function cancelWindowOpen(platform: PlatformCode, verifiedAt: Date, now: Date): boolean {
  return now.getTime() - verifiedAt.getTime() <= CANCEL_WINDOW_MS[platform];
}

const DAY_MS = 86_400_000;
/** The business calendar is Beijing time (UTC+8, no daylight saving). */
export const businessDate = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * A membership voucher opens a card of `days` from today, or — when the member already holds a card
 * that has not ended — extends that card by `days` from its end.
 */
export function membershipEffect(today: string, days: number, current: { end_date: string } | null) {
  if (current && current.end_date >= today) return { kind: 'renew' as const, end_date: addDays(current.end_date, days) };
  return { kind: 'open' as const, start_date: today, end_date: addDays(today, days - 1) };
}

/** What verifying would do, shown before the desk confirms (seed 2.4.2 核销确认). */
export function effectPreview(product: { product_type: number; name: string; duration_days: number | null }, today: string, card: { end_date: string } | null): string {
  if (product.product_type === VOUCHER_TYPE.membership) {
    const e = membershipEffect(today, product.duration_days ?? 30, card);
    return e.kind === 'renew' ? `将为会员续费${product.name}，有效期延至${e.end_date}` : `将为会员开通${product.name}，有效期至${e.end_date}`;
  }
  return product.product_type === VOUCHER_TYPE.privateCourse ? `将为会员购买${product.name}` : `将为会员预约${product.name}`;
}

export function successMessage(resultType: number, productName: string, endDate?: string): string {
  switch (resultType) {
    case RESULT_TYPE.cardOpened:
      return `核销成功,已为用户开通${productName}${endDate ? `，有效期至${endDate}` : ''}`;
    case RESULT_TYPE.cardRenewed:
      return `核销成功,已为用户续费${productName}${endDate ? `，有效期至${endDate}` : ''}`;
    case RESULT_TYPE.courseBought:
      return `核销成功,已为用户购买${productName}`;
    default:
      return `核销成功,已为用户预约${productName}`;
  }
}
