export type CertificateStatus = 'unused' | 'used' | 'expired' | 'refunded';

/** One Douyin life-service certificate (团购券). Amounts in fen, as Douyin sends them. */
export interface Certificate {
  code: string;
  encrypted_code: string;
  certificate_id: string;
  order_id: string;
  sku_id: string;
  sku_title: string;
  original: number;
  pay: number;
  buyer_phone: string;
  buyer_name: string;
  status: CertificateStatus;
  /** Unix seconds. */
  expire_time: number;
  create_time: number;
  verify_id?: string;
  verify_time?: number;
  verify_token?: string;
  verify_count: number;
  cancel_count: number;
}

export const DOUYIN_DEMO = {
  clientKey: 'dy-demo-client-key',
  clientSecret: 'dy-demo-client-secret',
  poiId: 'dy-demo-poi',
  accountId: 'dy-demo-account',
} as const;

export const DOUYIN_SKUS = [
  { sku_id: '7100001', title: '健身月卡 30天', pay: 19900, original: 29900 },
  { sku_id: '7100002', title: '私教课 10节', pay: 199900, original: 299900 },
  { sku_id: '7100003', title: '燃脂团课 1次', pay: 2990, original: 5900 },
] as const;

export const encryptCode = (code: string) => Buffer.from(`dy:${code}`).toString('base64url');
export const decryptCode = (encrypted: string) => {
  const text = Buffer.from(encrypted, 'base64url').toString('utf8');
  return text.startsWith('dy:') ? text.slice(3) : undefined;
};

const STATUS_NUMBER = { unused: 1, used: 2, expired: 3, refunded: 4 } as const;

export function certificateView(c: Certificate, nowSeconds: number) {
  const status = c.status === 'unused' && c.expire_time < nowSeconds ? 'expired' : c.status;
  return {
    certificate_id: c.certificate_id,
    encrypted_code: c.encrypted_code,
    code: c.code,
    order_id: c.order_id,
    expire_time: c.expire_time,
    create_time: c.create_time,
    status: STATUS_NUMBER[status],
    amount: { original_amount: c.original, pay_amount: c.pay, list_market_amount: c.original },
    sku: { sku_id: c.sku_id, title: c.sku_title, groupon_type: 1 },
    contact: { phone: c.buyer_phone, name: c.buyer_name },
    ...(c.verify_id ? { verify_id: c.verify_id, verify_time: c.verify_time } : {}),
  };
}

export function seedCertificates(nowSeconds: number): Certificate[] {
  const out: Certificate[] = [];
  let n = 0;
  const add = (sku: (typeof DOUYIN_SKUS)[number], status: Certificate['status'], expireDays: number) => {
    n += 1;
    const code = `DY${String(20000000 + n)}`;
    out.push({
      code,
      encrypted_code: encryptCode(code),
      certificate_id: `7${String(300000000000 + n)}`,
      order_id: `DYO${String(60000000 + n)}`,
      sku_id: sku.sku_id,
      sku_title: sku.title,
      original: sku.original,
      pay: sku.pay,
      buyer_phone: `1390013${String(9000 + n).padStart(4, '0')}`,
      buyer_name: `抖音用户${n}`,
      status,
      expire_time: nowSeconds + expireDays * 86_400,
      create_time: nowSeconds - 3600,
      ...(status === 'used' ? { verify_id: `V${n}`, verify_time: nowSeconds - 7200 } : {}),
      verify_count: status === 'used' ? 1 : 0,
      cancel_count: 0,
    });
  };
  for (const sku of DOUYIN_SKUS) {
    for (let i = 0; i < 3; i++) add(sku, 'unused', 30);
    add(sku, 'used', 30);
    add(sku, 'unused', -1);
    add(sku, 'refunded', 30);
  }
  return out;
}
