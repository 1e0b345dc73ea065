import type { Case, CaseImage, Writer, WriterRating } from '../db/writer-models.js';
import { CASE_IMAGE_NAME } from '../domain/cases.js';
import { localDateTime } from '../domain/time.js';
import type { WriterPrivacy } from '../writer-privacy.js';

const flag = (v: unknown) => (v ? 1 : 0);

/** A writer as lists and details show it: ID number and Alipay account masked unless `reveal`. */
export function writerView(w: Writer, tz: string, privacy: WriterPrivacy, reveal: boolean) {
  return {
    id: w.id as number,
    writer_id: w.writer_id,
    name: w.name,
    education: w.education,
    major: w.major,
    writing_experience: w.writing_experience,
    specialized_content: w.specialized_content,
    phone_1: w.phone_1,
    phone_2: w.phone_2,
    alipay_name: w.alipay_name,
    alipay_account: reveal ? privacy.reveal(w.alipay_account_encrypted) : w.alipay_account_masked,
    id_number: reveal ? privacy.reveal(w.id_number_encrypted) : w.id_number_masked,
    ip_address: w.ip_address,
    starred: flag(w.starred as boolean),
    processed: flag(w.processed as boolean),
    is_activated: flag(w.user_id as number | null),
    created_time: localDateTime(w.created_time as Date, tz),
    created_by: w.created_by,
    last_modified_time: localDateTime(w.last_modified_time as Date, tz),
    last_modified_by: w.last_modified_by,
  };
}

export const writerBrief = (w: { id: number; writer_id: string; name: string }) => ({ id: w.id as number, writer_id: w.writer_id, name: w.name });

export function ratingView(r: WriterRating, tz: string) {
  return {
    id: r.id as number,
    score: Number(r.score),
    comment: r.comment,
    date: r.date,
    created_at: localDateTime(r.created_at as Date, tz),
    updated_at: localDateTime(r.updated_at as Date, tz),
    quality_inspector: { id: r.quality_inspector_id, name: r.quality_inspector_name },
  };
}

/** Image URLs are paths through the gateway, never a host address. */
export function caseImageUrl(caseId: string, image: Pick<CaseImage, 'file_path'>): string {
  const name = image.file_path.split('/').pop()!;
  return `/api/cases/${encodeURIComponent(caseId)}/images/${CASE_IMAGE_NAME.test(name) ? name : encodeURIComponent(name)}`;
}

export function caseView(c: Case, tz: string) {
  const images = [...(c.images ?? [])].sort((a, b) => a.position - b.position);
  return {
    id: c.id,
    case_type: c.case_type,
    title: c.title,
    content: c.content,
    images: images.map((i) => caseImageUrl(c.id, i)),
    created_at: localDateTime(c.created_at as Date, tz),
    updated_at: localDateTime(c.updated_at as Date, tz),
    creator: { id: c.creator_id, name: c.creator_name },
  };
}
