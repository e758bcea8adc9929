import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Unit tests of the web app's pure parts (the editor store, form mapping); pages are tested in a browser (e2e/).
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: { include: ["src/**/*.test.ts"] },
});
