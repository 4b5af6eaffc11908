import { CognitoUserGroup } from "@cdktf/provider-aws/lib/cognito-user-group/index.js";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool/index.js";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client/index.js";
import { Construct } from "constructs";

export interface IdentityProps {
  prefix: string;
  region: string;
  agentGroup: string;
}

/** One Cognito user pool and its public app client: what a person signs in with and the services verify. */
export interface Pool {
  pool: CognitoUserPool;
  client: CognitoUserPoolClient;
  /** The `iss` of its tokens; `<issuer>/.well-known/jwks.json` holds its RS256 keys. */
  issuer: string;
}

/**
 * The app's users (self sign-up, e-mail as user name) and, in a pool of their own, support
 * agents (created by an administrator only, and members of the agents' group): a user's token
 * can never pass the support API's authoriser. Both clients are public (no secret: a mobile app
 * and a CLI cannot keep one) and use SRP or a password, with refresh tokens.
 */
export class Identity extends Construct {
  readonly users: Pool;
  readonly agents: Pool;

  constructor(scope: Construct, id: string, p: IdentityProps) {
    super(scope, id);
    const pool = (name: "users" | "agents", adminOnly: boolean): Pool => {
      const userPool = new CognitoUserPool(this, name, {
        name: `${p.prefix}-${name}`,
        usernameAttributes: ["email"],
        autoVerifiedAttributes: ["email"],
        mfaConfiguration: adminOnly ? "ON" : "OPTIONAL",
        softwareTokenMfaConfiguration: { enabled: true },
        adminCreateUserConfig: { allowAdminCreateUserOnly: adminOnly },
        passwordPolicy: {
          minimumLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireNumbers: true,
          requireSymbols: false,
        },
        accountRecoverySetting: { recoveryMechanism: [{ name: "verified_email", priority: 1 }] },
        deletionProtection: "ACTIVE",
      });
      const client = new CognitoUserPoolClient(this, `${name}-client`, {
        name: `${p.prefix}-${name === "users" ? "app" : "support-cli"}`,
        userPoolId: userPool.id,
        generateSecret: false,
        explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
        idTokenValidity: 60,
        accessTokenValidity: 60,
        refreshTokenValidity: 30,
        tokenValidityUnits: [{ idToken: "minutes", accessToken: "minutes", refreshToken: "days" }],
      });
      return { pool: userPool, client, issuer: `https://cognito-idp.${p.region}.amazonaws.com/${userPool.id}` };
    };
    this.users = pool("users", false);
    this.agents = pool("agents", true);
    new CognitoUserGroup(this, "agent-group", {
      name: p.agentGroup,
      userPoolId: this.agents.pool.id,
      description: "Support agents: DLQ playbook, tickets, re-drive",
    });
  }
}
