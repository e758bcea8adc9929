import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Connection secrets at rest: AES-256-GCM with a random 96-bit IV per value and a
 * key derived from FLOWGATE_SECRET with HKDF-SHA256. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
const VERSION = "v1";

export class SecretDecryptionError extends Error {
  constructor() {
    super(
      "A stored secret could not be decrypted: FLOWGATE_SECRET is not the one it was saved with, or the stored value was altered. Restore the original FLOWGATE_SECRET, or enter the connection's secret again.",
    );
    this.name = "SecretDecryptionError";
  }
}

export interface SecretBox {
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
  encryptJson(value: unknown): string;
  decryptJson<T = unknown>(sealed: string): T;
}

export function createSecretBox(masterSecret: string): SecretBox {
  if (masterSecret.length < 32) throw new Error("FLOWGATE_SECRET must be at least 32 characters long.");
  const key = Buffer.from(hkdfSync("sha256", masterSecret, "flowgate", "connection-secrets/v1", 32));

  function encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
  }

  function decrypt(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split(".");
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new SecretDecryptionError();
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      // GCM's tag check failed: wrong key or altered bytes. Never fall back to returning anything.
      throw new SecretDecryptionError();
    }
  }

  return {
    encrypt,
    decrypt,
    encryptJson: (value) => encrypt(JSON.stringify(value)),
    decryptJson: <T>(sealed: string) => JSON.parse(decrypt(sealed)) as T,
  };
}

/** A new FLOWGATE_SECRET: 256 random bits. */
export function generateMasterSecret(): string {
  return randomBytes(32).toString("base64url");
}
