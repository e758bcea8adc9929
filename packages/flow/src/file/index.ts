export * from "./build";
export * from "./connections";
export * from "./format";
export * from "./limits";
export * from "./parse";
export * from "./validate";
export * from "./template";
