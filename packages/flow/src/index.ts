export * from "./schema";
export * from "./registry";
export * from "./validate";
export * from "./upgrade";
export * from "./edit";
export * from "./diff";
export * from "./file";
export { plainIssueMessage } from "./issue-messages";
export { fixtureFlow, fixtureKinds, fixtureRegistry } from "./testing/fixture-registry";
