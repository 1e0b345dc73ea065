import { maskIdNumber, SecretBox } from '@backoffice/kit';
import { maskAccount } from './domain/masking.js';

export interface ProtectedValue {
  encrypted: string | null;
  masked: string | null;
}

/**
 * Writers' ID numbers and Alipay accounts are stored encrypted (`*_encrypted`) next to a masked copy
 * (`*_masked`) that lists show. Whoever needs the clear value (finance exports) decrypts with this class.
 */
export class WriterPrivacy {
  private readonly box: SecretBox;

  constructor(secret: string) {
    this.box = new SecretBox(secret, 'writers');
  }

  idNumber(value: string | null | undefined): ProtectedValue {
    return value ? { encrypted: this.box.encrypt(value), masked: maskIdNumber(value) } : { encrypted: null, masked: null };
  }

  alipayAccount(value: string | null | undefined): ProtectedValue {
    return value ? { encrypted: this.box.encrypt(value), masked: maskAccount(value) } : { encrypted: null, masked: null };
  }

  reveal(encrypted: string | null | undefined): string | null {
    return encrypted ? this.box.decrypt(encrypted) : null;
  }
}
