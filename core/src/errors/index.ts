export { ConfigError } from "./ConfigError.ts";
export { PartnerError, type PartnerErrorCategory } from "./PartnerError.ts";
export { SyncWellError } from "./SyncWellError.ts";
