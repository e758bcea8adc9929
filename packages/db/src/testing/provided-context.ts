// What the test run's global setup hands to every test file (vitest's provide/inject).
declare module "vitest" {
  export interface ProvidedContext {
    databaseAdminUrl: string;
  }
}
export {};
