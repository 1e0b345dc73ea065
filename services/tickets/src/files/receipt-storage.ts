import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileTypeFromFile } from 'file-type';

/** What the bytes of a file say it is. */
const KNOWN: Record<string, { ext: string; mime: string; aliases: string[] }> = {
  'image/jpeg': { ext: 'jpg', mime: 'image/jpeg', aliases: ['jpg', 'jpeg'] },
  'image/png': { ext: 'png', mime: 'image/png', aliases: ['png'] },
  'image/webp': { ext: 'webp', mime: 'image/webp', aliases: ['webp'] },
};

export interface StoredFile {
  relativePath: string;
  mime: string;
  size: number;
  checksum: string;
}

/**
 * Receipt images on local disk under UPLOAD_ROOT/<dir>/<ticket id>/<random>_<timestamp>.<ext>.
 * Names are ours, never the client's; every path read back is checked to stay inside the root.
 */
export class ReceiptStorage {
  readonly root: string;
  readonly incoming: string;

  constructor(
    uploadRoot: string,
    private readonly dir: string,
    private readonly allowed: readonly string[],
  ) {
    this.root = resolve(uploadRoot);
    this.incoming = join(this.root, '.incoming');
  }

  async init() {
    await mkdir(this.incoming, { recursive: true });
  }

  /** The image type read from the file's first bytes, or null when it is not an allowed image. */
  async sniff(path: string): Promise<{ ext: string; mime: string } | null> {
    const type = await fileTypeFromFile(path);
    const known = type && KNOWN[type.mime];
    if (!known || !known.aliases.some((a) => this.allowed.includes(a))) return null;
    return { ext: known.ext, mime: known.mime };
  }

  /** SHA-256 of a file, streamed. */
  checksum(path: string): Promise<string> {
    return new Promise((resolvePromise, reject) => {
      const hash = createHash('sha256');
      createReadStream(path)
        .on('data', (chunk) => hash.update(chunk))
        .on('error', reject)
        .on('end', () => resolvePromise(hash.digest('hex')));
    });
  }

  /** Moves an uploaded temp file to its final place; returns the path relative to the root. */
  async keep(tempPath: string, ticketId: string, ext: string): Promise<string> {
    const folder = join(this.root, this.dir, ticketId);
    await mkdir(folder, { recursive: true });
    const name = `${randomBytes(12).toString('hex')}_${Date.now()}.${ext}`;
    await rename(tempPath, join(folder, name));
    return relative(this.root, join(folder, name)).split(sep).join('/');
  }

  async discard(paths: string[]) {
    await Promise.all(paths.map((p) => rm(this.absolute(p) ?? p, { force: true }).catch(() => undefined)));
  }

  /** The absolute path of a stored file, or null if the stored path would leave the upload root. */
  absolute(relativePath: string): string | null {
    if (!relativePath || isAbsolute(relativePath) || relativePath.includes('\0')) return null;
    const full = resolve(this.root, relativePath);
    return full.startsWith(this.root + sep) ? full : null;
  }
}
