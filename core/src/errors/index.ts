export { ConfigError } from "./ConfigError.ts";
export { PartnerError, type PartnerErrorCategory } from "./PartnerError.ts";
export { PushIncompleteError } from "./PushIncompleteError.ts";
export { ReauthRequiredError } from "./ReauthRequiredError.ts";
export { SyncWellError } from "./SyncWellError.ts";
