import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/platform';
import { blindIndex, IdentifierKind } from './blind-index';
import { FieldCipher } from './cipher';

/** Version byte of the configured PII key; bump it (keeping the old key readable) to rotate. */
export const CURRENT_KEY_VERSION = 1;

/**
 * The one place the server touches claimants' plaintext identifiers cryptographically:
 * encryption of stored fields and the blind indexes used for dedupe and matching.
 */
@Injectable()
export class VaultService {
  private readonly cipher: FieldCipher;
  private readonly indexKey: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cipher = new FieldCipher({ [CURRENT_KEY_VERSION]: config.vault.encryptionKey }, CURRENT_KEY_VERSION);
    this.indexKey = config.vault.blindIndexKey;
  }

  encrypt(plaintext: string, field: string): Buffer {
    return this.cipher.encrypt(plaintext, field);
  }

  decrypt(sealed: Buffer, field: string): string {
    return this.cipher.decrypt(sealed, field);
  }

  idIndex(normalisedId: string): Buffer {
    return blindIndex(this.indexKey, IdentifierKind.ID_NUMBER, normalisedId);
  }

  phoneIndex(normalisedPhone: string): Buffer {
    return blindIndex(this.indexKey, IdentifierKind.PHONE, normalisedPhone);
  }
}
