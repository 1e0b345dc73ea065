import type { Platform, Voucher } from '../db/models.js';
import { fenToYuan, toFen } from '../domain/money.js';
import { PLATFORM_NAMES, VOUCHER_STATUS_NAMES, VOUCHER_TYPE_NAMES, type PlatformCode } from '../domain/rules.js';
import type { PlatformVoucher } from '../platforms/types.js';
import { maskPhone } from '@backoffice/kit';
import { parseSettings } from '../platforms/registry.js';

export const platformName = (p: Pick<Platform, 'platform_code' | 'platform_name'> | undefined | null) =>
  p ? (PLATFORM_NAMES[p.platform_code as PlatformCode] ?? p.platform_name) : null;

export function voucherView(v: Voucher, platform?: Platform | null): Record<string, any> {
  return {
    id: v.id,
    voucher_no: v.voucher_no,
    platform_id: v.platform_id,
    platform_name: platformName(platform),
    platform_order_no: v.platform_order_no,
    voucher_type: v.voucher_type,
    voucher_type_name: VOUCHER_TYPE_NAMES[v.voucher_type] ?? '未关联产品',
    product_id: v.product_id,
    product_name: v.product_name,
    original_price: fenToYuan(toFen(v.original_price)),
    paid_price: fenToYuan(toFen(v.paid_price)),
    user_phone: v.user_phone,
    user_name: v.user_name,
    status: v.status,
    status_name: VOUCHER_STATUS_NAMES[v.status],
    expire_date: v.expire_date,
    verified_at: v.verified_at,
    verified_by: v.verified_by,
    user_id: v.user_id,
    remark: v.remark,
    created_at: v.created_at,
    updated_at: v.updated_at,
  };
}

/** A voucher as the platform describes it, in the seed's shape (phone masked). */
export function platformVoucherView(platform: PlatformCode, v: PlatformVoucher, product?: { id: number; product_type: number; name: string } | null) {
  return {
    voucher_no: v.code,
    platform_name: PLATFORM_NAMES[platform],
    platform_order_no: v.orderNo,
    voucher_type: product?.product_type ?? null,
    voucher_type_name: product ? VOUCHER_TYPE_NAMES[product.product_type] : '未关联产品',
    product_id: product?.id ?? null,
    product_name: product?.name ?? v.title,
    deal_title: v.title,
    original_price: fenToYuan(v.originalFen),
    paid_price: fenToYuan(v.paidFen),
    user_phone: maskPhone(v.phone),
    user_name: v.name,
    status: v.status,
    status_name: VOUCHER_STATUS_NAMES[v.status],
    expire_date: v.expireDate,
  };
}

/** Never the secret: only whether one is set. */
export function platformView(p: Platform, extra: { token_expires_at?: Date | null; breaker_state?: string } = {}): Record<string, unknown> {
  return {
    id: p.id,
    platform_name: p.platform_name,
    platform_code: p.platform_code,
    app_id: p.app_id,
    has_app_secret: !!p.app_secret,
    api_url: p.api_url,
    status: p.status,
    config: parseSettings(p),
    token_expires_at: extra.token_expires_at ?? null,
    breaker_state: extra.breaker_state ?? null,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}
