import { keyedHash, maskPhone, SecretBox } from '@backoffice/kit';

export interface ProtectedPhone {
  hash: string;
  encrypted: string;
  masked: string;
}

/** Phones are kept three ways: a keyed hash to search by, an encrypted copy to reveal, a masked one to list. */
export class PhoneProtector {
  private readonly box: SecretBox;

  constructor(private readonly secret: string) {
    this.box = new SecretBox(secret, 'tickets-phone');
  }

  protect(phone: string): ProtectedPhone {
    return { hash: this.hash(phone), encrypted: this.box.encrypt(phone), masked: maskPhone(phone)! };
  }

  hash(phone: string): string {
    return keyedHash(this.secret, phone);
  }

  reveal(encrypted: string): string {
    return this.box.decrypt(encrypted);
  }
}
