import { keyedHash, maskPhone, SecretBox } from '@backoffice/kit';

/** Phones kept three ways: a keyed hash to find by, an encrypted copy, a masked one to show. */
export class PhoneProtector {
  private readonly box: SecretBox;

  constructor(private readonly secret: string) {
    this.box = new SecretBox(secret, 'vouchers-phone');
  }

  protect(phone: string) {
    return { hash: this.hash(phone), encrypted: this.box.encrypt(phone), masked: maskPhone(phone)! };
  }

  hash(phone: string): string {
    return keyedHash(this.secret, phone);
  }
}
