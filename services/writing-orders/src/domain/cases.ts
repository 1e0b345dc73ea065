/** Cases are numbered CASE-001, CASE-002, … (more digits once past 999). */
export const caseId = (sequence: number) => `CASE-${String(sequence).padStart(3, '0')}`;

export const MAX_CASE_IMAGES = 10;

/** Stored image names are ours: 24 hex characters, a timestamp, the type read from the bytes. */
export const CASE_IMAGE_NAME = /^[0-9a-f]{24}_\d{13}\.(jpg|png|gif|webp)$/;
