import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/platform';
import type { Sealer } from '../enrolment-record';
import { createSealer, type SealerKeys } from './sealer';

/** Version byte of the configured PII key; bump it (keeping the old key readable) to rotate. */
export const CURRENT_KEY_VERSION = 1;

/**
 * The one place the server touches claimants' plaintext identifiers cryptographically:
 * encryption of stored fields and the blind indexes used for dedupe and matching.
 */
@Injectable()
export class VaultService implements Sealer {
  private readonly sealer: ReturnType<typeof createSealer>;
  /** For sealing worker threads (in this process only: never logged or sent anywhere). */
  readonly keys: SealerKeys;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keys = { encryptionKey: config.vault.encryptionKey, keyVersion: CURRENT_KEY_VERSION, blindIndexKey: config.vault.blindIndexKey };
    this.sealer = createSealer(this.keys);
  }

  encrypt(plaintext: string, field: string): Buffer {
    return this.sealer.encrypt(plaintext, field);
  }

  decrypt(sealed: Buffer, field: string): string {
    return this.sealer.decrypt(sealed, field);
  }

  idIndex(normalisedId: string): Buffer {
    return this.sealer.idIndex(normalisedId);
  }

  phoneIndex(normalisedPhone: string): Buffer {
    return this.sealer.phoneIndex(normalisedPhone);
  }

  /** The blind index of an address normalised by normaliseAddress. */
  addressIndex(normalisedAddress: string): Buffer {
    return this.sealer.addressIndex(normalisedAddress);
  }
}
