export * from "./client";
export * from "./env";
export * from "./ids";
export * as schema from "./schema/index";
export * from "./schema/index";
