/**
 * Hand-written stacks in the shape tests/infra/harness.ts captures
 * (@pulumi/aws v7 input names), modelled on infra/: a good dev stack (S3
 * origin, viewer-request edge) and a good prod stack (HTTPS origin, custom
 * certificate, origin-request edge). Bad fixtures mutate a fresh copy.
 */
import { generateKeyPairSync } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_BEHAVIOR, ORDERED_BEHAVIORS } from "../../../contract/behaviors";
import {
  PRODUCTION_TAG,
  REQUIRED_PRODUCTION_ALARMS,
  rotationTimingTags,
} from "../../../infra/policy/conventions";
import type { CapturedResource } from "./runner";

export const ACCOUNT = "123456789012";
export const KEY_GROUP_IDS = ["kg-active-0001", "kg-inactive-0002"];
export const BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/** A throwaway key pair per test run: the public half is a legitimate input, the private half must never be. */
export const TEST_KEYS = generateKeyPairSync("ec", {
  namedCurve: "prime256v1",
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

export type Variant = "dev" | "prod";

export class StackFixture {
  readonly resources: CapturedResource[] = [];

  constructor(readonly stack: Variant) {}

  add(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    options: { parent?: CapturedResource; provider?: CapturedResource } & Omit<
      CapturedResource["options"],
      "parent" | "provider"
    > = {},
  ): CapturedResource {
    const { parent, provider, ...rest } = options;
    const qualifiedType =
      parent && parent.type !== "pulumi:pulumi:Stack" ? `${parent.urn.split("::")[2]}$${type}` : type;
    const resource: CapturedResource = {
      type,
      name,
      urn: `urn:pulumi:${this.stack}::signed-hls-cdn::${qualifiedType}::${name}`,
      inputs,
      options: {
        ...rest,
        ...(parent ? { parent: parent.urn } : {}),
        ...(provider ? { provider: `${provider.urn}::${provider.name}-id` } : {}),
      },
    };
    this.resources.push(resource);
    return resource;
  }

  /** The one resource of `type` (and `name`, when given); throws when absent so a fixture typo fails loudly. */
  get(type: string, name?: string): CapturedResource {
    const found = this.resources.filter(
      (resource) => resource.type === type && (name === undefined || resource.name === name),
    );
    if (found.length !== 1) throw new Error(`fixture has ${found.length} resources of ${type} ${name ?? ""}`);
    return found[0];
  }

  remove(type: string, name?: string): void {
    this.resources.splice(this.resources.indexOf(this.get(type, name)), 1);
  }
}

const arn = {
  parameter: (region: string, name: string) => `arn:aws:ssm:${region}:${ACCOUNT}:parameter${name}`,
  secret: (region: string, name: string) =>
    `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-AbCdEf`,
  role: (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`,
};

export function policyJson(statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

function trust(services: string[]): string {
  return policyJson([{ Effect: "Allow", Principal: { Service: services }, Action: "sts:AssumeRole" }]);
}

export function code(text: string): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "__index.js": new pulumi.asset.StringAsset(text) });
}

/** Role + logs attachment + inline policy, as infra/iam.ts createLambdaRole makes them. */
function lambdaRole(
  fixture: StackFixture,
  name: string,
  parent: CapturedResource,
  services: string[],
  statements: object[],
) {
  const role = fixture.add(
    "aws:iam/role:Role",
    `${name}-role`,
    { assumeRolePolicy: trust(services) },
    { parent },
  );
  fixture.add(
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    `${name}-role-logs`,
    { role: `${name}-role-1234`, policyArn: BASIC_EXECUTION },
    { parent },
  );
  fixture.add(
    "aws:iam/rolePolicy:RolePolicy",
    `${name}-role-policy`,
    { role: `${name}-role-1234`, policy: policyJson(statements) },
    { parent },
  );
  return role;
}

export interface Settings {
  region: string;
  trigger: "viewer-request" | "origin-request";
  edgeTimeout: number;
  edgeMemory: number;
  rotationRate: string;
  timing: {
    rotationIntervalSeconds: number;
    signerCacheTtlSeconds: number;
    signerMaxStaleSeconds: number;
    maxUrlLifetimeSeconds: number;
    clockSkewSeconds: number;
  };
}

export const SETTINGS: Record<Variant, Settings> = {
  dev: {
    region: "eu-west-1",
    trigger: "viewer-request",
    edgeTimeout: 5,
    edgeMemory: 128,
    rotationRate: "rate(1 day)",
    timing: {
      rotationIntervalSeconds: 86400,
      signerCacheTtlSeconds: 60,
      signerMaxStaleSeconds: 600,
      maxUrlLifetimeSeconds: 7200,
      clockSkewSeconds: 120,
    },
  },
  prod: {
    region: "us-east-1",
    trigger: "origin-request",
    edgeTimeout: 10,
    edgeMemory: 512,
    rotationRate: "rate(90 days)",
    timing: {
      rotationIntervalSeconds: 7776000,
      signerCacheTtlSeconds: 300,
      signerMaxStaleSeconds: 900,
      maxUrlLifetimeSeconds: 21600,
      clockSkewSeconds: 300,
    },
  },
};

export const EDGE_VERSION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:manifest-edge-5f3e2a1:3`;

/** A stack every policy accepts. */
export function goodStack(variant: Variant): StackFixture {
  const settings = SETTINGS[variant];
  const fixture = new StackFixture(variant);
  const root = fixture.add("pulumi:pulumi:Stack", `signed-hls-cdn-${variant}`, {});
  const defaultProvider = fixture.add("pulumi:providers:aws", "default_7_48_0", { region: settings.region });
  const regional = { provider: defaultProvider };
  const prefix = `/cloudfront-signer/${variant}`;

  // Signing keys: two slots, each a secret and a key group (with its first public key); the two SSM parameters.
  const keys = fixture.add("signed-hls-cdn:keys:SigningKeys", "signing-keys", {}, { parent: root });
  const secretArns: string[] = [];
  ["active", "inactive"].forEach((slot) => {
    fixture.add(
      "aws:secretsmanager/secret:Secret",
      `signing-keys-${slot}-secret`,
      { name: `signed-hls-cdn/${variant}/${slot}-1a2b`, recoveryWindowInDays: 0 },
      { parent: keys, ...regional },
    );
    secretArns.push(arn.secret(settings.region, `signed-hls-cdn/${variant}/${slot}-1a2b`));
    // The program's create-only resources (infra/rotation-owned.ts): a key group with its first key.
    fixture.add(
      "pulumi-nodejs:dynamic/signed-hls-cdn:SigningKeyGroup",
      `signing-keys-${slot}-group`,
      {
        name: `signed-hls-cdn-${variant}-${slot}-1a2b`,
        comment: `${slot} key group`,
        publicKeyName: `signed-hls-cdn-${variant}-${slot}-initial-1a2b`,
        publicKeyComment: `${slot} slot`,
        encodedKey: TEST_KEYS.publicKey,
      },
      { parent: keys, ...regional },
    );
  });
  fixture.add(
    "pulumi-nodejs:dynamic/signed-hls-cdn:RotationOwnedParameter",
    "signing-keys-active-key-id",
    { name: `${prefix}/active-key-id`, initialValue: "K0PUBLICKEYID", region: settings.region },
    { parent: keys, ...regional },
  );
  fixture.add(
    "pulumi-nodejs:dynamic/signed-hls-cdn:RotationOwnedParameter",
    "signing-keys-active-secret-arn",
    { name: `${prefix}/active-secret-arn`, initialValue: secretArns[0], region: settings.region },
    { parent: keys, ...regional },
  );
  const parameterArns = [
    arn.parameter(settings.region, `${prefix}/active-key-id`),
    arn.parameter(settings.region, `${prefix}/active-secret-arn`),
  ];
  const readKey = [
    {
      Sid: "ReadActiveKeyParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters"],
      Resource: parameterArns,
    },
    {
      Sid: "ReadSigningSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: secretArns,
    },
  ];

  // Manifest edge function: us-east-1 provider, published, edge trust, no environment.
  const edge = fixture.add("signed-hls-cdn:edge:ManifestEdgeFunction", "manifest-edge", {}, { parent: root });
  const edgeProvider = fixture.add(
    "pulumi:providers:aws",
    "manifest-edge-us-east-1",
    { region: "us-east-1" },
    { parent: edge },
  );
  lambdaRole(fixture, "manifest-edge", edge, ["lambda.amazonaws.com", "edgelambda.amazonaws.com"], readKey);
  fixture.add(
    "aws:lambda/function:Function",
    "manifest-edge",
    {
      role: arn.role("manifest-edge-role-1234"),
      runtime: "nodejs22.x",
      architectures: ["x86_64"],
      handler: "__index.handler",
      memorySize: settings.edgeMemory,
      timeout: settings.edgeTimeout,
      publish: true,
      code: code(
        "exports.handler = async (event) => { /* parses -----BEGIN PRIVATE KEY----- from Secrets Manager */ return event; };",
      ),
    },
    { parent: edge, provider: edgeProvider, retainOnDelete: true },
  );

  // Distribution: behaviors from contract/behaviors.ts, both key groups everywhere, HTTPS only.
  const cdn = fixture.add("signed-hls-cdn:cdn:Distribution", "cdn", {}, { parent: root });
  const behavior = (pathPattern: string, manifest: boolean) => ({
    pathPattern,
    targetOriginId: "media",
    viewerProtocolPolicy: "https-only",
    allowedMethods: ["GET", "HEAD", "OPTIONS"],
    cachedMethods: ["GET", "HEAD"],
    compress: true,
    trustedKeyGroups: [...KEY_GROUP_IDS],
    cachePolicyId: "cache-policy-id",
    ...(manifest
      ? {
          lambdaFunctionAssociations: [
            { eventType: settings.trigger, lambdaArn: EDGE_VERSION_ARN, includeBody: false },
          ],
        }
      : {}),
  });
  const { pathPattern: _default, ...defaultBehavior } = behavior(DEFAULT_BEHAVIOR.pathPattern, false);
  const origin =
    variant === "dev"
      ? {
          originId: "media",
          domainName: `media-7c1d.s3.${settings.region}.amazonaws.com`,
          originAccessControlId: "E2OACID0001",
        }
      : {
          originId: "media",
          domainName: "abcd1234.egress.mediapackagev2.us-east-1.amazonaws.com",
          originPath: "/out/v1/live/live-channel/hls",
          originAccessControlId: "E2OACMP0001",
          customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "https-only",
            originSslProtocols: ["TLSv1.2"],
          },
        };
  fixture.add(
    "aws:cloudfront/distribution:Distribution",
    "cdn",
    {
      enabled: true,
      comment: `signed-hls-cdn ${variant}`,
      tags: { [PRODUCTION_TAG]: String(variant === "prod") },
      priceClass: variant === "dev" ? "PriceClass_100" : "PriceClass_All",
      origins: [origin],
      defaultCacheBehavior: defaultBehavior,
      orderedCacheBehaviors: ORDERED_BEHAVIORS.map((spec) =>
        behavior(spec.pathPattern, spec.manifestEdgeFunction),
      ),
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate:
        variant === "dev"
          ? { cloudfrontDefaultCertificate: true }
          : {
              acmCertificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0b9d7c8e`,
              sslSupportMethod: "sni-only",
              minimumProtocolVersion: "TLSv1.2_2021",
            },
      aliases: variant === "dev" ? [] : ["media.example.com"],
    },
    { parent: cdn, ...regional },
  );
  if (variant === "dev") {
    const media = fixture.add("signed-hls-cdn:origin:MediaBucket", "media", {}, { parent: cdn });
    fixture.add(
      "aws:s3/bucket:Bucket",
      "media",
      { tags: { stack: variant, purpose: "hls-media" } },
      { parent: media, ...regional },
    );
    const blocked = {
      bucket: "media-7c1d",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    };
    fixture.add("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "media-public-access", blocked, {
      parent: media,
      ...regional,
    });
    fixture.add(
      "aws:cloudfront/originAccessControl:OriginAccessControl",
      "media-oac",
      { originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" },
      { parent: media, ...regional },
    );
    fixture.add(
      "aws:s3/bucketPolicy:BucketPolicy",
      "cdn-bucket-policy",
      {
        bucket: "media-7c1d",
        policy: policyJson([
          {
            Sid: "CloudFrontReadsMedia",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::media-7c1d/*",
            Condition: {
              StringEquals: { "AWS:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/E1DISTRIBUTION` },
            },
          },
        ]),
      },
      { parent: cdn, ...regional },
    );
  }

  // Signer: regional, IAM-authenticated Function URL, read-only role.
  const signer = fixture.add("signed-hls-cdn:signer:SignerFunction", "signer", {}, { parent: root });
  lambdaRole(fixture, "signer", signer, ["lambda.amazonaws.com"], readKey);
  fixture.add(
    "aws:lambda/function:Function",
    "signer",
    {
      role: arn.role("signer-role-1234"),
      runtime: "nodejs22.x",
      handler: "__index.handler",
      memorySize: 256,
      timeout: 10,
      code: code("exports.handler = async () => ({});"),
    },
    { parent: signer, ...regional },
  );
  fixture.add(
    "aws:lambda/functionUrl:FunctionUrl",
    "signer-url",
    { functionName: "signer-1234", authorizationType: "AWS_IAM" },
    { parent: signer, ...regional },
  );

  // Rotation: the only writer of parameters and secrets; scheduled.
  const rotation = fixture.add("signed-hls-cdn:rotation:RotationFunction", "rotation", {}, { parent: root });
  lambdaRole(
    fixture,
    "rotation",
    rotation,
    ["lambda.amazonaws.com"],
    [
      {
        Sid: "ReadWriteRotationParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter"],
        Resource: [...parameterArns, arn.parameter(settings.region, `${prefix}/rotation-state`)],
      },
      {
        Sid: "ReadWriteSigningSecrets",
        Effect: "Allow",
        Action: [
          "secretsmanager:DescribeSecret",
          "secretsmanager:GetSecretValue",
          "secretsmanager:PutSecretValue",
        ],
        Resource: secretArns,
      },
      {
        Sid: "ManageSigningPublicKeys",
        Effect: "Allow",
        Action: [
          "cloudfront:CreatePublicKey",
          "cloudfront:DeletePublicKey",
          "cloudfront:GetPublicKey",
          "cloudfront:GetKeyGroup",
          "cloudfront:UpdateKeyGroup",
        ],
        Resource: "*",
      },
      {
        Sid: "WatchDistributionDeployment",
        Effect: "Allow",
        Action: ["cloudfront:GetDistribution"],
        Resource: [`arn:aws:cloudfront::${ACCOUNT}:distribution/E1DISTRIBUTION`],
      },
    ],
  );
  fixture.add(
    "aws:lambda/function:Function",
    "rotation",
    {
      role: arn.role("rotation-role-1234"),
      runtime: "nodejs22.x",
      handler: "__index.handler",
      memorySize: 256,
      timeout: 900,
      code: code("exports.handler = async () => ({});"),
      tags: rotationTimingTags(settings.timing),
    },
    { parent: rotation, ...regional },
  );
  fixture.add(
    "aws:cloudwatch/eventRule:EventRule",
    "rotation-schedule",
    { scheduleExpression: settings.rotationRate, state: "ENABLED" },
    { parent: rotation, ...regional },
  );
  fixture.add(
    "aws:lambda/permission:Permission",
    "rotation-schedule-permission",
    { action: "lambda:InvokeFunction", function: "rotation-1234", principal: "events.amazonaws.com" },
    { parent: rotation, ...regional },
  );
  fixture.add(
    "aws:cloudwatch/eventTarget:EventTarget",
    "rotation-schedule-target",
    {
      rule: "rotation-schedule-5678",
      arn: `arn:aws:lambda:${settings.region}:${ACCOUNT}:function:rotation-1234`,
    },
    { parent: rotation, ...regional },
  );
  // Monitoring: the prod stack is production, so it alarms on every required signal through a topic.
  const monitoring = fixture.add("signed-hls-cdn:monitoring:Monitoring", "monitoring", {}, { parent: root });
  const topicArn = `arn:aws:sns:${settings.region}:${ACCOUNT}:monitoring-alarms`;
  fixture.add("aws:sns/topic:Topic", "monitoring-alarms", {}, { parent: monitoring, ...regional });
  REQUIRED_PRODUCTION_ALARMS.forEach((alarm, index) =>
    fixture.add(
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      `monitoring-alarm-${index}`,
      { namespace: alarm.namespace, metricName: alarm.metricName, alarmActions: [topicArn] },
      { parent: monitoring, ...regional },
    ),
  );
  return fixture;
}
