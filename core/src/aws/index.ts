export * from "./bootstrap.ts";
export * from "./clients.ts";
export * from "./resources.ts";
export * from "./s3.ts";
export * from "./tableDesign.ts";
