import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

/**
 * A stand-in for a Cognito user pool: an RSA key pair, its JWKS served on a loopback port at
 * `<issuer>/.well-known/jwks.json`, and RS256 tokens signed the way Cognito signs ID tokens.
 */
export interface TestIssuer {
  issuer: string;
  clientId: string;
  token(sub: string, claims?: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(clientId = "test-app-client"): Promise<TestIssuer> {
  const pair = await generateKeyPair("RS256");
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "test-key", alg: "RS256", use: "sig" }] });
  const server = createServer((req, res) => {
    if (req.url !== "/pool/.well-known/jwks.json") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pool`;
  return {
    issuer,
    clientId,
    token: (sub, claims = {}) =>
      new SignJWT({ token_use: "id", aud: clientId, ...claims })
        .setProtectedHeader({ alg: "RS256", kid: "test-key" })
        .setIssuer(issuer)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(pair.privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
