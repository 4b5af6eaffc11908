import {
  bootstrapPlatform,
  createDynamoDbClient,
  createS3Client,
  createSqsClient,
  type PlatformQueues,
  resourceNames,
  signJwt,
} from "@syncwell/core";
import { type PlatformConfig, serviceSecurityEnv } from "./config.ts";
import { type EmbeddedAws, startEmbeddedAws } from "./emulators.ts";
import { PlatformError, provisionServers } from "./localServers.ts";
import { checkPortFree } from "./ports.ts";
import { type ServiceProcess, spawnService, waitHealthy } from "./services.ts";

/** Credentials the emulators accept; real AWS uses the default provider chain instead. */
const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export interface RunningPlatform {
  urls: { gateway: string; providersMock: string; worker: string; coalescer: string; poller: string; support: string };
  /** A bearer token for the user `demo-user`, valid 24 h. */
  demoToken: string;
  /** The environment every service was started with (tests reuse it to reach the same stack). */
  env: Record<string, string>;
  queues: PlatformQueues;
  /** Resolves with the name of the first service that exits on its own. */
  unexpectedExit: Promise<string>;
  /** Chaos: kills a service with SIGKILL (no shutdown at all) and starts a fresh one. */
  crashAndRestart(name: "worker" | "coalescer" | "poller"): Promise<void>;
  /** Chaos: kills the Redis this platform started and starts it again, empty, on the same port. */
  restartRedis(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the whole platform without Docker: emulators, Redis, PostgreSQL, bootstrap, services.
 * On any failure everything already started is stopped before the error is rethrown.
 */
export async function startPlatform(config: PlatformConfig, progress: (line: string) => void = () => {}): Promise<RunningPlatform> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    cleanups.length = 0;
  };
  try {
    const ports = [
      ["GATEWAY_PORT", config.GATEWAY_PORT],
      ["PROVIDERS_MOCK_PORT", config.PROVIDERS_MOCK_PORT],
      ["WORKER_PORT", config.WORKER_PORT],
      ["COALESCER_PORT", config.COALESCER_PORT],
      ["POLLER_PORT", config.POLLER_PORT],
      ["SUPPORT_PORT", config.SUPPORT_PORT],
    ] as const;
    for (const [variable, port] of ports) {
      await checkPortFree(port).catch(() => {
        throw new PlatformError(`port ${port} is already in use (set ${variable} to another port)`);
      });
    }

    const sqsEndpoint = config.AWS_ENDPOINT_URL_SQS ?? config.AWS_ENDPOINT_URL;
    const dynamoDbEndpoint = config.AWS_ENDPOINT_URL_DYNAMODB ?? config.AWS_ENDPOINT_URL;
    let embedded: EmbeddedAws | undefined;
    if (!sqsEndpoint || !dynamoDbEndpoint) {
      embedded = await startEmbeddedAws(config.BIND_HOST);
      cleanups.push(() => (embedded as EmbeddedAws).stop());
      progress(`embedded SQS and S3 (fauxqs) at ${embedded.sqsEndpoint}, DynamoDB (dynalite) at ${embedded.dynamoDbEndpoint}`);
    }
    const aws = {
      region: config.AWS_REGION,
      sqsEndpoint: sqsEndpoint ?? embedded?.sqsEndpoint,
      dynamoDbEndpoint: dynamoDbEndpoint ?? embedded?.dynamoDbEndpoint,
      credentials: EMULATOR_CREDENTIALS,
    };

    const servers = await provisionServers(config);
    const { redis, postgres } = servers;
    cleanups.push(() => servers.stop());
    progress(servers.summary);

    // Device uploads (SPEC §18): fauxqs serves S3 next to SQS; LocalStack at AWS_ENDPOINT_URL serves both too.
    const s3Endpoint = config.AWS_ENDPOINT_URL ?? embedded?.s3Endpoint ?? aws.sqsEndpoint;
    const names = resourceNames(config.SYNCWELL_RESOURCE_PREFIX);
    const sqs = createSqsClient(aws);
    const dynamoDb = createDynamoDbClient(aws);
    const s3 = createS3Client({ region: aws.region, endpoint: s3Endpoint, credentials: EMULATOR_CREDENTIALS });
    const queues = await bootstrapPlatform({ sqs, dynamoDb, s3 }, names);
    sqs.destroy();
    dynamoDb.destroy();
    s3.destroy();
    progress("queues, table and device-upload bucket bootstrapped");

    const env: Record<string, string> = {
      AWS_REGION: config.AWS_REGION,
      AWS_ENDPOINT_URL_SQS: aws.sqsEndpoint ?? "",
      AWS_ENDPOINT_URL_DYNAMODB: aws.dynamoDbEndpoint ?? "",
      AWS_ENDPOINT_URL_S3: s3Endpoint ?? "",
      DEVICE_UPLOAD_BUCKET: names.deviceUploadBucket,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      REDIS_URL: redis.url,
      DATABASE_URL: postgres.url,
      SYNCWELL_RESOURCE_PREFIX: config.SYNCWELL_RESOURCE_PREFIX,
      REDIS_KEY_PREFIX: config.SYNCWELL_RESOURCE_PREFIX,
      PROVIDERS_MOCK_PORT: String(config.PROVIDERS_MOCK_PORT),
      PARTNER_API_BASE_URL: `http://127.0.0.1:${config.PROVIDERS_MOCK_PORT}`,
      GATEWAY_PORT: String(config.GATEWAY_PORT),
      // Where the gateway subscribes a Withings user's notifications on connect (the mock checks it with a HEAD).
      GATEWAY_PUBLIC_URL: config.GATEWAY_PUBLIC_URL ?? `http://127.0.0.1:${config.GATEWAY_PORT}`,
      ...serviceSecurityEnv(config),
      WORKER_PORT: String(config.WORKER_PORT),
      COALESCER_PORT: String(config.COALESCER_PORT),
      POLLER_PORT: String(config.POLLER_PORT),
      SUPPORT_PORT: String(config.SUPPORT_PORT),
      // Each partner with an app-wide subscription delivers its webhooks to the gateway, as that subscription would.
      WEBHOOK_BASE_URL: `http://127.0.0.1:${config.GATEWAY_PORT}/webhooks`,
      LOG_LEVEL: config.LOG_LEVEL,
    };
    const providersMockUrl = `http://127.0.0.1:${config.PROVIDERS_MOCK_PORT}`;
    const gatewayUrl = `http://127.0.0.1:${config.GATEWAY_PORT}`;
    const workerUrl = `http://127.0.0.1:${config.WORKER_PORT}`;
    const coalescerUrl = `http://127.0.0.1:${config.COALESCER_PORT}`;
    const pollerUrl = `http://127.0.0.1:${config.POLLER_PORT}`;
    const supportUrl = `http://127.0.0.1:${config.SUPPORT_PORT}`;
    const services: ServiceProcess[] = [];
    const running = new Map<string, ServiceProcess>();
    const start = async (name: string, workspace: string, healthUrl: string) => {
      const service = spawnService(name, workspace, env);
      running.set(name, service);
      cleanups.push(() => (running.get(name) ?? service).stop());
      await waitHealthy(service, healthUrl);
      return service;
    };
    const launch = async (name: string, workspace: string, healthUrl: string) => services.push(await start(name, workspace, healthUrl));
    const healthUrls: Record<string, string> = {
      worker: `${workerUrl}/health`,
      coalescer: `${coalescerUrl}/health`,
      poller: `${pollerUrl}/health`,
    };
    await launch("providers-mock", "providers-mock", `${providersMockUrl}/health`);
    await Promise.all([
      launch("gateway-shim", "gateway-shim", `${gatewayUrl}/health`),
      launch("worker", "worker", healthUrls.worker as string),
      launch("coalescer", "coalescer", healthUrls.coalescer as string),
      launch("poller", "poller", healthUrls.poller as string),
      launch("support", "support", `${supportUrl}/health`),
    ]);

    const crashed = new Set<ServiceProcess>();
    const unexpectedExit = Promise.race(
      services.map((s) => s.exited.then(() => (crashed.has(s) ? new Promise<string>(() => {}) : s.name))),
    );
    return {
      urls: {
        gateway: gatewayUrl,
        providersMock: providersMockUrl,
        worker: workerUrl,
        coalescer: coalescerUrl,
        poller: pollerUrl,
        support: supportUrl,
      },
      demoToken: signJwt(config.GATEWAY_JWT_SECRET, "demo-user", 86400),
      env,
      queues,
      unexpectedExit,
      async crashAndRestart(name) {
        const victim = running.get(name);
        if (victim) crashed.add(victim);
        victim?.child.kill("SIGKILL");
        await victim?.exited;
        await start(name, name, healthUrls[name] as string);
      },
      async restartRedis() {
        if (!redis.restart) throw new PlatformError("Redis was given by REDIS_URL: only a Redis this platform started can be restarted");
        await redis.restart();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
