import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileTypeFromFile } from 'file-type';

/** Image types a case may carry, as the bytes (not the name or the client's header) say. */
const IMAGE_TYPES: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

/**
 * Case images on local disk under UPLOAD_ROOT/<dir>/<YYYYMM>/<random>_<timestamp>.<ext>. Names are
 * ours, never the client's; every stored path read back is checked to stay inside the folder.
 */
export class CaseStorage {
  readonly root: string;
  readonly folder: string;
  readonly incoming: string;

  constructor(uploadRoot: string, dir: string) {
    this.root = resolve(uploadRoot);
    this.folder = join(this.root, dir);
    this.incoming = join(this.root, '.incoming');
  }

  async init() {
    await mkdir(this.incoming, { recursive: true });
    await mkdir(this.folder, { recursive: true });
  }

  /** The image type read from the file's first bytes, or null when it is not an image we keep. */
  async sniff(path: string): Promise<{ ext: string; mime: string } | null> {
    const type = await fileTypeFromFile(path);
    const ext = type && IMAGE_TYPES[type.mime];
    return ext ? { ext, mime: type.mime } : null;
  }

  /** Moves an uploaded temp file to its final place; returns the path relative to the root. */
  async keep(tempPath: string, ext: string, now = new Date()): Promise<string> {
    const month = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const dir = join(this.folder, month);
    await mkdir(dir, { recursive: true });
    const target = join(dir, `${randomBytes(12).toString('hex')}_${now.getTime()}.${ext}`);
    await rename(tempPath, target);
    return relative(this.root, target).split(sep).join('/');
  }

  async discard(paths: string[]) {
    await Promise.all(paths.map((p) => (this.absolute(p) ? rm(this.absolute(p)!, { force: true }).catch(() => undefined) : undefined)));
  }

  /** The absolute path of a stored file, or null if the stored path would leave the case folder. */
  absolute(relativePath: string): string | null {
    if (!relativePath || isAbsolute(relativePath) || relativePath.includes('\0')) return null;
    const full = resolve(this.root, relativePath);
    return full.startsWith(this.folder + sep) ? full : null;
  }
}
