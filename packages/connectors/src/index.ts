export * from "./formats/index";
export * from "./postgres/index";
export * from "./http/index";
