import { describe, expect, it } from "vitest";
import { createSecretBox, generateMasterSecret, SecretDecryptionError } from "./crypto";

describe("secret box", () => {
  const box = createSecretBox(generateMasterSecret());

  it("round-trips a value, with a fresh IV each time", () => {
    const a = box.encryptJson({ password: "hunter2-canary" });
    const b = box.encryptJson({ password: "hunter2-canary" });
    expect(a).not.toEqual(b);
    expect(a).not.toContain("hunter2");
    expect(box.decryptJson(a)).toEqual({ password: "hunter2-canary" });
  });

  it("fails closed on a wrong key", () => {
    const sealed = box.encrypt("secret");
    const other = createSecretBox(generateMasterSecret());
    expect(() => other.decrypt(sealed)).toThrow(SecretDecryptionError);
  });

  it("fails closed on a tampered ciphertext, IV or tag", () => {
    const sealed = box.encrypt("a longer secret value");
    const parts = sealed.split(".");
    for (const index of [1, 2, 3]) {
      const altered = [...parts];
      const bytes = Buffer.from(altered[index]!, "base64url");
      bytes[0] = bytes[0]! ^ 0x01;
      altered[index] = bytes.toString("base64url");
      expect(() => box.decrypt(altered.join("."))).toThrow(/could not be decrypted/);
    }
    expect(() => box.decrypt("not-a-sealed-value")).toThrow(SecretDecryptionError);
  });

  it("refuses a short master secret", () => {
    expect(() => createSecretBox("short")).toThrow(/at least 32/);
  });
});
