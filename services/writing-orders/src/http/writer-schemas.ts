import { z } from 'zod';
import { WRITING_EXPERIENCES } from '../domain/writer-id.js';

const required = (label: string, max: number) =>
  z.string({ error: `请填写${label}` }).trim().min(1, `请填写${label}`).max(max, `${label}不能超过${max}个字符`);
/** Optional text: absent, null or '' all mean "none". */
const optional = (schema: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), schema.nullish());
const text = (label: string, max: number) => z.string({ error: `${label}必须是文本` }).trim().max(max, `${label}不能超过${max}个字符`);

const experience = z.enum(WRITING_EXPERIENCES, { error: `写作水平必须是以下之一：${WRITING_EXPERIENCES.join('/')}` });
const phone = z.string({ error: '手机号必须是文本' }).trim().regex(/^\+?[0-9][0-9 -]{4,19}$/, '手机号格式不正确');
const idNumber = z.string({ error: '身份证号必须是文本' }).trim().regex(/^(\d{15}|\d{17}[\dXx])$/, '身份证号格式不正确');
const bool = z.union([z.boolean(), z.literal(0), z.literal(1), z.enum(['true', 'false', '0', '1'])], { error: '必须是布尔值' }).transform((v) => v === true || v === 1 || v === 'true' || v === '1');

const common = {
  specialized_content: optional(text('擅长内容', 2000)),
  phone_1: optional(phone),
  phone_2: optional(phone),
  alipay_name: optional(text('支付宝姓名', 50)),
  alipay_account: optional(text('支付宝账号', 100)),
  id_number: optional(idNumber),
};

/** POST /api/writers and POST /api/writers/open take exactly the same fields. */
export const writerCreateBody = z.object({
  name: required('姓名', 50),
  education: required('学历', 50),
  major: required('专业', 100),
  writing_experience: experience,
  ...common,
  ip_address: optional(text('IP地址', 64)),
});
export type WriterCreateBody = z.infer<typeof writerCreateBody>;

export const writerUpdateBody = z.object({
  name: required('姓名', 50).optional(),
  education: required('学历', 50).optional(),
  major: required('专业', 100).optional(),
  writing_experience: experience.optional(),
  ...common,
  starred: bool.optional(),
  processed: bool.optional(),
});
