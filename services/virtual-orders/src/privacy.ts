import { maskIdNumber, maskPhone, SecretBox } from '@backoffice/kit';

/** CS phones and ID-card numbers: encrypted at rest (DATA_ENCRYPTION_KEY), masked wherever listed. */
export class PersonalData {
  private readonly box: SecretBox;

  constructor(secret: string) {
    this.box = new SecretBox(secret, 'virtual-orders-personal');
  }

  phone(value: string | null) {
    return value ? { encrypted: this.box.encrypt(value), masked: maskPhone(value) } : { encrypted: null, masked: null };
  }

  idCard(value: string | null) {
    return value ? { encrypted: this.box.encrypt(value), masked: maskIdNumber(value) } : { encrypted: null, masked: null };
  }

  reveal(encrypted: string | null): string | null {
    return encrypted ? this.box.decrypt(encrypted) : null;
  }
}
