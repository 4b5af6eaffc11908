import { loadConfig } from "@syncwell/core";
import { z } from "zod";

/** A partner's production client id: the development ids (`syncwell-<provider>`) are refused. */
const partnerClientId = (provider: string) =>
  z
    .string()
    .regex(/^[\w.@:-]{1,128}$/, "must be the client id the partner issued")
    .refine((v) => v !== `syncwell-${provider}`, "is the development client id");

/** What a deployment must say about itself; everything else has a production default. */
export const StackEnv = z.object({
  SYNCWELL_IMAGE: z.string().min(1).describe("Container image of the services (ECR URI with tag), built from the repo's Dockerfile"),
  ALARM_EMAIL: z
    .email("must be an e-mail address")
    .describe("Who the DLQ alarm mails (subscribe PagerDuty's integration URL to the SNS topic out of band: it is a secret)"),
  AWS_REGION: z.string().default("eu-west-1").describe("Region of the deployment"),
  SYNCWELL_ENVIRONMENT: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,20}$/, "must be a short lower-case name")
    .default("prod")
    .describe("Environment name, used in resource names and tags"),
  TF_STATE_BUCKET: z
    .string()
    .optional()
    .describe("S3 bucket for the Terraform state (encrypted); unset = a local state file next to the synthesized stack"),
  CDKTF_OUTDIR: z.string().default("cdktf.out").describe("Where the synthesized Terraform JSON is written"),
  PARTNER_API_BASE_URL: z
    .url({ protocol: /^https$/, error: "must be an https URL" })
    .describe("Root of the partner APIs the services call, <root>/<provider> (the partners' own hosts or your egress proxy)"),
  STRAVA_CLIENT_ID: partnerClientId("strava").describe("Strava OAuth client id of this environment"),
  GARMIN_CLIENT_ID: partnerClientId("garmin").describe("Garmin consumer key of this environment"),
  POLAR_CLIENT_ID: partnerClientId("polar").describe("Polar AccessLink client id of this environment"),
  OURA_CLIENT_ID: partnerClientId("oura").describe("Oura client id of this environment"),
  WITHINGS_CLIENT_ID: partnerClientId("withings").describe("Withings client id of this environment"),
  STRAVA_SUBSCRIPTION_ID: z.coerce
    .number()
    .int()
    .min(1)
    .describe("Id of this environment's Strava push subscription (events for any other are refused)"),
  OLLAMA_BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .refine((v) => !/\/\/(127\.|localhost|0\.0\.0\.0)/.test(v), "must not be a loopback address")
    .describe("The troubleshooter's Ollama server, reachable from the private subnets"),
  SUPPORT_AGENT_GROUP: z
    .string()
    .regex(/^[\w.-]{1,128}$/, "must be a Cognito group name")
    .default("support-agents")
    .describe("Cognito group (in the agents' user pool) whose members may use the support API"),
  VPC_CIDR: z
    .string()
    .regex(/^\d+\.\d+\.0\.0\/16$/, "must be a /16 like 10.40.0.0/16")
    .default("10.40.0.0/16")
    .describe("CIDR of the VPC (a /16)"),
});
export type StackConfig = z.infer<typeof StackEnv>;

export function loadStackConfig(source: Record<string, string | undefined> = process.env): StackConfig {
  return loadConfig(StackEnv, source);
}
