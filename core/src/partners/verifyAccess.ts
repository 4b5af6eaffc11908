import { PartnerError } from "../errors/PartnerError.ts";
import type { AccessVerdict } from "../ports/DataProvider.ts";
import type { PartnerHttp } from "./PartnerHttp.ts";

/**
 * A partner's identity call with the user's access token: refused (401/403) means the access is
 * gone. Timeouts, 5xx and 429 throw, so a caller never takes "the partner is down" for "revoked".
 */
export async function verifyAccess(http: PartnerHttp, path: string, accessToken: string): Promise<AccessVerdict> {
  try {
    await http.request("list_metadata", path, { token: accessToken });
    return "authorized";
  } catch (error) {
    if (error instanceof PartnerError && error.category === "auth") return "revoked";
    throw error;
  }
}
