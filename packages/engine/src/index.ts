export * from "./contract";
export * from "./state";
export * from "./plan";
export * from "./execute";
export * from "./registry";
export * from "./jsonata-expressions";
export * from "./canonical-json";
