export * from "./bootstrap.ts";
export * from "./clients.ts";
export * from "./resources.ts";
export * from "./tableDesign.ts";
