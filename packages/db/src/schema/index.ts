export * from "./auth";
export * from "./workspaces";
export * from "./connections";
export * from "./flows";
export * from "./audit";
export * from "./runs";
export * from "./schedules";
export * from "./dry-runs";
