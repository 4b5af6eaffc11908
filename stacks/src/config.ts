import { loadConfig } from "@syncwell/core";
import { z } from "zod";

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
