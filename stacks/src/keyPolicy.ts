/**
 * The KMS key's policy. The account's IAM policies decide who of the account uses the key (the
 * task roles, the API's integration role and the execution role name it; SQS, DynamoDB, Secrets
 * Manager and ElastiCache use it on their callers' behalf). AWS services that use it on their own
 * need the key policy itself: CloudWatch Logs for this environment's log groups only (the
 * encryption context names the log group), CloudWatch alarms publishing to the encrypted alarm
 * topic, and SNS for that topic.
 */
export function keyPolicy(p: { accountId: string; region: string; logGroupArnPattern: string }): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TheAccountAdministersTheKeyAndDelegatesUseToIam",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${p.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsEncryptsThisEnvironmentsLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${p.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": p.logGroupArnPattern } },
      },
      {
        Sid: "CloudWatchAlarmsPublishToTheEncryptedAlarmTopic",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      },
      {
        Sid: "SnsUsesTheKeyForTheAlarmTopic",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      },
    ],
  });
}
