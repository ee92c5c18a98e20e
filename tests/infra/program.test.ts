/**
 * The Pulumi program of both stacks under mocks (harness.ts): what it
 * creates, how the pieces are wired, which options protect what the rotation
 * owns, least-privilege IAM, and the outputs.
 */
import assert from "node:assert/strict";
import { DEFAULT_BEHAVIOR, LL_HLS_QUERY_PARAMETERS, ORDERED_BEHAVIORS } from "../../contract/behaviors";
import { EDGE_MEMORY_LIMIT_MB, EDGE_TIMEOUT_LIMIT_SECONDS } from "../../contract/limits";
import { GRANT_FORWARDING_FUNCTION_CODE } from "../../functions/handlers/manifest-edge/forwarded-grant";
import { PLAYLIST_CACHE_CONTROL } from "../../functions/handlers/manifest-edge/manifest-response";
import {
  ofType,
  resourceNamed,
  runProgram,
  type CapturedResource,
  type ProgramRun,
  type StackName,
} from "./harness";

const T = {
  component: (kind: string) => `signed-hls-cdn:${kind}`,
  distribution: "aws:cloudfront/distribution:Distribution",
  keyGroup: "pulumi-nodejs:dynamic/signed-hls-cdn:SigningKeyGroup",
  cachePolicy: "aws:cloudfront/cachePolicy:CachePolicy",
  headersPolicy: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
  secret: "aws:secretsmanager/secret:Secret",
  parameter: "pulumi-nodejs:dynamic/signed-hls-cdn:RotationOwnedParameter",
  lambda: "aws:lambda/function:Function",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  provider: "pulumi:providers:aws",
  keyPair: "pulumi-nodejs:dynamic/signed-hls-cdn:InitialKeyPair",
};

/** The complete inventory: type -> count. Anything added or lost must show up here. */
const COMMON_INVENTORY: Record<string, number> = {
  "signed-hls-cdn:keys:SigningKeys": 1,
  "signed-hls-cdn:edge:ManifestEdgeFunction": 1,
  "signed-hls-cdn:cdn:Distribution": 1,
  "signed-hls-cdn:signer:SignerFunction": 1,
  "signed-hls-cdn:rotation:RotationFunction": 1,
  "random:index/randomId:RandomId": 1,
  [T.secret]: 2,
  [T.keyPair]: 2,
  [T.keyGroup]: 2,
  [T.parameter]: 2,
  [T.provider]: 1,
  [T.role]: 3,
  [T.attachment]: 3,
  [T.rolePolicy]: 3,
  [T.lambda]: 3,
  "aws:lambda/functionUrl:FunctionUrl": 1,
  "aws:lambda/permission:Permission": 1,
  "aws:cloudwatch/eventRule:EventRule": 1,
  "aws:cloudwatch/eventTarget:EventTarget": 1,
  "aws:cloudwatch/logGroup:LogGroup": 2,
  "aws:sqs/queue:Queue": 1,
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 1,
  [T.cachePolicy]: 3,
  [T.headersPolicy]: 1,
  [T.distribution]: 1,
};
/** Monitoring (tests/infra/monitoring.test.ts checks each alarm): one provider and topic per extra alarm region. */
const MONITORING_INVENTORY: Record<StackName, Record<string, number>> = {
  dev: {
    "signed-hls-cdn:monitoring:Monitoring": 1,
    [T.provider]: 1 + 1,
    "aws:sns/topic:Topic": 2,
    "aws:cloudwatch/metricAlarm:MetricAlarm": 12,
    "aws:cloudwatch/dashboard:Dashboard": 1,
  },
  prod: {
    "signed-hls-cdn:monitoring:Monitoring": 1,
    [T.provider]: 1 + 2,
    "aws:sns/topic:Topic": 3,
    "aws:cloudwatch/metricAlarm:MetricAlarm": 13,
    "aws:cloudwatch/dashboard:Dashboard": 1,
  },
};
const S3_ORIGIN_INVENTORY: Record<string, number> = {
  "signed-hls-cdn:origin:MediaBucket": 1,
  "aws:s3/bucket:Bucket": 1,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
  "aws:cloudfront/originAccessControl:OriginAccessControl": 1,
  "aws:s3/bucketPolicy:BucketPolicy": 1,
};

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[] | string;
}

type Behavior = Record<string, unknown> & {
  pathPattern?: string;
  trustedKeyGroups: string[];
  lambdaFunctionAssociations?: { eventType: string; lambdaArn: string; includeBody: boolean }[];
  functionAssociations?: { eventType: string; functionArn: string }[];
  cachePolicyId: string;
  viewerProtocolPolicy: string;
};

const runs: Partial<Record<StackName, ProgramRun>> = {};

function inventory(run: ProgramRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of run.resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
  return counts;
}

function roleOf(run: ProgramRun, component: string) {
  const role = resourceNamed(run, T.role, `${component}-role`);
  const inline = resourceNamed(run, T.rolePolicy, `${component}-role-policy`);
  const attachments = ofType(run, T.attachment).filter(
    (attachment) => attachment.inputs.role === role.state.name,
  );
  const document = JSON.parse(String(inline.inputs.policy)) as { Statement: Statement[] };
  const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as {
    Statement: { Principal: { Service: string[] }; Action: string }[];
  };
  assert.equal(inline.inputs.role, role.state.name, "inline policy is attached to its own role");
  return { role, statements: document.Statement, attachments, trust };
}

function behaviorsOf(run: ProgramRun): Behavior[] {
  const distribution = ofType(run, T.distribution)[0];
  return [
    ...(distribution.inputs.orderedCacheBehaviors as Behavior[]),
    { ...(distribution.inputs.defaultCacheBehavior as Behavior), pathPattern: "*" },
  ];
}

for (const stack of ["dev", "prod"] as const) {
  describe(`infra program under mocks: ${stack} stack`, function () {
    this.timeout(120000);
    let run: ProgramRun;
    before(async () => {
      run = runs[stack] ??= await runProgram(stack);
    });

    it("creates exactly the expected resource inventory", () => {
      const expected = {
        ...COMMON_INVENTORY,
        ...(stack === "dev"
          ? S3_ORIGIN_INVENTORY
          : {
              "aws:cloudfront/originAccessControl:OriginAccessControl": 1,
              // prod runs the manifest function on origin-request: plus the grant-forwarding CloudFront Function.
              "aws:cloudfront/function:Function": 1,
            }),
        ...MONITORING_INVENTORY[stack],
      };
      assert.deepEqual(inventory(run), expected);
      // No Pulumi-managed secret value exists: the private key is written by the dynamic provider only.
      assert.equal(ofType(run, "aws:secretsmanager/secretVersion:SecretVersion").length, 0);
    });

    it("parents every resource to its component and derives its name from the component's", () => {
      const components = run.resources.filter((resource) => resource.options.custom === false);
      const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
      for (const resource of run.resources) {
        if (resource.type === "signed-hls-cdn:origin:MediaBucket") {
          assert.equal(byUrn.get(resource.options.parent!)?.name, "cdn");
          continue;
        }
        if (resource.options.custom === false) {
          assert.equal(resource.options.parent, undefined, `${resource.name} is a top-level component`);
          continue;
        }
        const parent = byUrn.get(resource.options.parent ?? "");
        assert.ok(
          parent && components.includes(parent),
          `${resource.type} ${resource.name} has a component parent`,
        );
        assert.ok(resource.name.startsWith(parent.name), `${resource.name} is named after ${parent.name}`);
      }
    });

    it("trusts both key groups on every behavior, in the order of contract/behaviors.ts", () => {
      const groups = ofType(run, T.keyGroup).map((group) => group.id);
      assert.equal(new Set(groups).size, 2);
      const behaviors = behaviorsOf(run);
      assert.deepEqual(
        behaviors.map((behavior) => behavior.pathPattern),
        [...ORDERED_BEHAVIORS.map((behavior) => behavior.pathPattern), DEFAULT_BEHAVIOR.pathPattern],
      );
      for (const behavior of behaviors) {
        assert.deepEqual(
          [...behavior.trustedKeyGroups].sort(),
          [...groups].sort(),
          `${behavior.pathPattern} trusts both groups`,
        );
        assert.equal(behavior.trustedSigners, undefined, "no legacy TrustedSigners");
        assert.equal(behavior.viewerProtocolPolicy, "https-only");
        assert.equal(behavior.targetOriginId, "media");
      }
      assert.deepEqual(run.outputs.keyGroupIds, {
        active: resourceNamed(run, T.keyGroup, "signing-keys-active-key-group").id,
        inactive: resourceNamed(run, T.keyGroup, "signing-keys-inactive-key-group").id,
      });
    });

    it("associates the published edge version with *._m3u8 only, on the configured trigger", () => {
      const edge = resourceNamed(run, T.lambda, "manifest-edge");
      const trigger = stack === "dev" ? "viewer-request" : "origin-request";
      for (const behavior of behaviorsOf(run)) {
        const associations = behavior.lambdaFunctionAssociations ?? [];
        if (behavior.pathPattern === "*._m3u8") {
          assert.deepEqual(associations, [
            { eventType: trigger, lambdaArn: edge.state.qualifiedArn, includeBody: false },
          ]);
          assert.match(String(edge.state.qualifiedArn), /:function:manifest-edge-[0-9a-f]+:1$/);
          // origin-request: the grant-forwarding CloudFront Function runs on viewer-request (forwarded-grant.ts).
          const functions = ofType(run, "aws:cloudfront/function:Function");
          if (trigger === "origin-request") {
            assert.equal(functions.length, 1);
            assert.equal(functions[0].inputs.code, GRANT_FORWARDING_FUNCTION_CODE);
            assert.equal(functions[0].inputs.runtime, "cloudfront-js-2.0");
            assert.deepEqual(behavior.functionAssociations, [
              { eventType: "viewer-request", functionArn: functions[0].state.arn },
            ]);
          } else {
            assert.equal(functions.length, 0);
            assert.equal(behavior.functionAssociations, undefined);
          }
        } else {
          assert.deepEqual(associations, [], `${behavior.pathPattern} has no edge function`);
          assert.equal(behavior.functionAssociations, undefined, `${behavior.pathPattern} has no function`);
        }
      }
    });

    it("keeps LL-HLS directives in the playlist cache key and signatures out of it", () => {
      const behaviors = behaviorsOf(run);
      const policyOf = (pattern: string) => {
        const id = behaviors.find((behavior) => behavior.pathPattern === pattern)!.cachePolicyId;
        return ofType(run, T.cachePolicy).find((policy) => policy.id === id)!.inputs as {
          maxTtl: number;
          parametersInCacheKeyAndForwardedToOrigin: {
            queryStringsConfig: { queryStringBehavior: string; queryStrings?: { items: string[] } };
            cookiesConfig: { cookieBehavior: string; cookies?: { items: string[] } };
            headersConfig: { headerBehavior: string; headers?: { items: string[] } };
          };
        };
      };
      const playlist = policyOf("*.m3u8").parametersInCacheKeyAndForwardedToOrigin;
      assert.equal(playlist.queryStringsConfig.queryStringBehavior, "whitelist");
      assert.deepEqual(playlist.queryStringsConfig.queryStrings?.items, [...LL_HLS_QUERY_PARAMETERS]);
      assert.equal(playlist.cookiesConfig.cookieBehavior, "none");
      // The edge answer, when CloudFront caches it (origin-request), is per signed URL or cookie, and briefly.
      const manifest = policyOf("*._m3u8");
      assert.equal(
        manifest.parametersInCacheKeyAndForwardedToOrigin.queryStringsConfig.queryStringBehavior,
        "all",
      );
      assert.ok(
        manifest.parametersInCacheKeyAndForwardedToOrigin.cookiesConfig.cookies?.items.includes(
          "CloudFront-Signature",
        ),
      );
      assert.ok(manifest.maxTtl <= 2);
      // origin-request: the viewer's Host in the manifest key, so the function sees the alias in use.
      assert.deepEqual(
        manifest.parametersInCacheKeyAndForwardedToOrigin.headersConfig,
        stack === "dev"
          ? { headerBehavior: "none" }
          : { headerBehavior: "whitelist", headers: { items: ["Host", "Origin", "X-Signed-Hls-Grant"] } },
      );
      for (const pattern of ["*.m3u8", "*.ts", "*.m4s", "*.key", "*"]) {
        const key = policyOf(pattern).parametersInCacheKeyAndForwardedToOrigin;
        assert.deepEqual(key.headersConfig, { headerBehavior: "none" }, `${pattern} keys on no header`);
        if (pattern !== "*.m3u8") assert.equal(key.queryStringsConfig.queryStringBehavior, "none");
      }
    });

    it("serves HTTPS with the right certificate, price class, CORS and logging", () => {
      const distribution = ofType(run, T.distribution)[0].inputs as Record<string, unknown>;
      const headers = ofType(run, T.headersPolicy)[0].inputs as {
        corsConfig: {
          accessControlAllowCredentials: boolean;
          accessControlAllowOrigins: { items: string[] };
        };
        securityHeadersConfig: { strictTransportSecurity: { accessControlMaxAgeSec: number } };
      };
      assert.ok(headers.securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec >= 31536000);
      if (stack === "dev") {
        assert.deepEqual(distribution.viewerCertificate, { cloudfrontDefaultCertificate: true });
        assert.deepEqual(distribution.aliases, []);
        assert.equal(distribution.priceClass, "PriceClass_100");
        assert.equal(distribution.loggingConfig, undefined);
        assert.equal(headers.corsConfig.accessControlAllowCredentials, false);
        assert.deepEqual(headers.corsConfig.accessControlAllowOrigins.items, [
          "http://localhost:8080",
          "https://player-dev.example.com",
        ]);
      } else {
        assert.deepEqual(distribution.viewerCertificate, {
          acmCertificateArn:
            "arn:aws:acm:us-east-1:123456789012:certificate/0b9d7c8e-5a4f-4e3d-9c2b-1a0f9e8d7c6b",
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: "TLSv1.2_2021",
        });
        assert.deepEqual(distribution.aliases, ["media.example.com", "media-eu.example.com"]);
        assert.equal(distribution.priceClass, "PriceClass_All");
        assert.deepEqual(distribution.loggingConfig, {
          bucket: "example-cloudfront-logs.s3.amazonaws.com",
          prefix: "signed-hls-cdn/prod/",
          includeCookies: false,
        });
        assert.equal(headers.corsConfig.accessControlAllowCredentials, true, "cookie mode needs credentials");
      }
    });

    it("keeps IPv6 off (ipv6Enabled default) so IP-bound grants work, and tags signer and edge for the policy pack", () => {
      const distribution = ofType(run, T.distribution)[0].inputs as Record<string, unknown>;
      assert.equal(distribution.isIpv6Enabled, false);
      for (const name of ["signer", "manifest-edge"]) {
        const tags = resourceNamed(run, T.lambda, name).inputs.tags as Record<string, string>;
        assert.equal(tags["signed-hls-cdn:ip-binding"], "allowed", name);
      }
    });

    it("reaches the origin privately: S3 through OAC and a distribution-scoped policy, or HTTPS only", () => {
      const distribution = ofType(run, T.distribution)[0];
      const [origin] = distribution.inputs.origins as Record<string, unknown>[];
      if (stack === "dev") {
        const bucket = ofType(run, "aws:s3/bucket:Bucket")[0];
        const oac = ofType(run, "aws:cloudfront/originAccessControl:OriginAccessControl")[0];
        assert.equal(origin.domainName, bucket.state.bucketRegionalDomainName);
        assert.equal(origin.originAccessControlId, oac.id);
        assert.equal(oac.inputs.signingBehavior, "always");
        const block = ofType(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0].inputs;
        for (const flag of [
          "blockPublicAcls",
          "blockPublicPolicy",
          "ignorePublicAcls",
          "restrictPublicBuckets",
        ]) {
          assert.equal(block[flag], true, flag);
        }
        const policy = JSON.parse(String(ofType(run, "aws:s3/bucketPolicy:BucketPolicy")[0].inputs.policy));
        assert.deepEqual(policy.Statement, [
          {
            Sid: "CloudFrontOriginAccessControlRead",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: `${String(bucket.state.arn)}/*`,
            Condition: { StringEquals: { "AWS:SourceArn": distribution.state.arn } },
          },
        ]);
      } else {
        assert.equal(origin.domainName, "abcd1234.egress.mediapackagev2.us-east-1.amazonaws.com");
        assert.equal(origin.originPath, "/out/v1/live/live-channel/hls");
        // MediaPackage v2: an OAC of type mediapackagev2, and the endpoint policy for this distribution.
        const control = ofType(run, "aws:cloudfront/originAccessControl:OriginAccessControl")[0];
        assert.equal(control.inputs.originAccessControlOriginType, "mediapackagev2");
        assert.equal(control.inputs.signingBehavior, "always");
        assert.equal(origin.originAccessControlId, control.id);
        assert.deepEqual(JSON.parse(String(run.outputs.originEndpointPolicy)), {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AllowCloudFrontServicePrincipal",
              Effect: "Allow",
              Principal: { Service: "cloudfront.amazonaws.com" },
              Action: "mediapackagev2:GetObject",
              Resource:
                "arn:aws:mediapackagev2:us-east-1:123456789012:channelGroup/live/channel/live-channel/originEndpoint/hls",
              Condition: { StringEquals: { "AWS:SourceArn": distribution.state.arn } },
            },
          ],
        });
        assert.deepEqual(
          (origin.customOriginConfig as Record<string, unknown>).originProtocolPolicy,
          "https-only",
        );
        assert.deepEqual((origin.customOriginConfig as Record<string, unknown>).originSslProtocols, [
          "TLSv1.2",
        ]);
      }
    });

    it("creates the edge function in us-east-1, published, edge-trusted, without environment, within limits", () => {
      const edge = resourceNamed(run, T.lambda, "manifest-edge");
      const providerUrn = String(edge.options.provider).split("::").slice(0, -1).join("::");
      const provider = run.resources.find((resource) => resource.urn === providerUrn);
      assert.equal(provider?.type, T.provider);
      assert.equal(provider?.inputs.region, "us-east-1");
      assert.match(String(edge.state.arn), /^arn:aws:lambda:us-east-1:/);
      assert.equal(edge.inputs.publish, true);
      assert.equal(edge.inputs.environment, undefined, "Lambda@Edge has no environment variables");
      assert.deepEqual(edge.inputs.architectures, ["x86_64"]);
      const trigger = stack === "dev" ? "viewer-request" : "origin-request";
      assert.ok(Number(edge.inputs.timeout) <= EDGE_TIMEOUT_LIMIT_SECONDS[trigger]);
      assert.ok(Number(edge.inputs.memorySize) <= EDGE_MEMORY_LIMIT_MB[trigger]);
      assert.equal(edge.options.retainOnDelete, true, "replicas make deletes fail for hours");
      // Its configuration travels in the closure, and nothing in it reads the environment.
      const closure = String(
        (edge.inputs.code as { assets: Record<string, { text: string }> }).assets["__index.js"].text,
      );
      assert.ok(closure.includes(`parameterPrefix: "/cloudfront-signer/${stack}"`), "key source captured");
      assert.ok(closure.includes(`__config.trigger = "${trigger}"`), "trigger captured");
      assert.doesNotMatch(closure, /process\.env/);
      const { trust } = roleOf(run, "manifest-edge");
      assert.deepEqual(trust.Statement[0].Principal.Service, [
        "lambda.amazonaws.com",
        "edgelambda.amazonaws.com",
      ]);
      for (const name of ["signer", "rotation"]) {
        const fn = resourceNamed(run, T.lambda, name);
        assert.equal(fn.options.provider, undefined, `${name} is regional (default provider)`);
        assert.equal(fn.options.retainOnDelete, false);
        assert.deepEqual(roleOf(run, name).trust.Statement[0].Principal.Service, ["lambda.amazonaws.com"]);
      }
    });

    it("does not let CloudFront cache the edge function's playlists (minimum TTL 0, private, no-store)", () => {
      const manifest = behaviorsOf(run).find((behavior) => behavior.pathPattern === "*._m3u8")!;
      const policy = ofType(run, T.cachePolicy).find((candidate) => candidate.id === manifest.cachePolicyId)!;
      assert.equal(policy.inputs.minTtl, 0, "a minimum TTL above 0 would cache no-store answers anyway");
      assert.match(PLAYLIST_CACHE_CONTROL, /\bno-store\b/);
      assert.match(PLAYLIST_CACHE_CONTROL, /\bprivate\b/);
    });

    it("gives the regional functions their log retention, and the rotation explicit async retries", () => {
      const groups = ofType(run, "aws:cloudwatch/logGroup:LogGroup");
      for (const name of ["signer", "rotation"]) {
        const fn = resourceNamed(run, T.lambda, name);
        const group = groups.find((candidate) => candidate.name === `${name}-logs`)!;
        assert.equal(group.inputs.retentionInDays, 30);
        assert.deepEqual(fn.inputs.loggingConfig, { logFormat: "Text", logGroup: group.state.name });
      }
      const invokeConfig = ofType(run, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")[0];
      const queue = ofType(run, "aws:sqs/queue:Queue")[0];
      assert.equal(invokeConfig.inputs.functionName, resourceNamed(run, T.lambda, "rotation").state.name);
      assert.equal(invokeConfig.inputs.maximumRetryAttempts, 2);
      assert.equal(invokeConfig.inputs.maximumEventAgeInSeconds, 3600);
      assert.deepEqual(invokeConfig.inputs.destinationConfig, {
        onFailure: { destination: queue.state.arn },
      });
      assert.ok(
        roleOf(run, "rotation").statements.some(
          (statement) =>
            statement.Action.includes("sqs:SendMessage") &&
            JSON.stringify(statement.Resource) === JSON.stringify([queue.state.arn]),
        ),
        "the rotation role may send to its failure queue (Lambda uses the function's role)",
      );
    });

    it("leaves to the rotation what the rotation owns (create-only resources, no provider update)", () => {
      for (const type of [
        "aws:cloudfront/keyGroup:KeyGroup",
        "aws:cloudfront/publicKey:PublicKey",
        "aws:ssm/parameter:Parameter",
      ]) {
        assert.deepEqual(ofType(run, type), [], `no ${type}: its provider would write state back`);
      }
      for (const pair of ofType(run, T.keyPair)) assert.deepEqual(pair.options.ignoreChanges, ["algorithm"]);
      const protectedKinds = [T.keyGroup, T.secret, T.parameter, T.distribution];
      for (const resource of run.resources.filter((item) => protectedKinds.includes(item.type))) {
        assert.equal(resource.options.protect, stack === "prod", `${resource.name} protect`);
      }
    });

    it("wires the first keys: secret -> key pair -> public key -> key group, and the SSM parameters", () => {
      for (const slot of ["active", "inactive"]) {
        const secret = resourceNamed(run, T.secret, `signing-keys-${slot}-secret`);
        const pair = resourceNamed(run, T.keyPair, `signing-keys-${slot}-initial-key-pair`);
        const group = resourceNamed(run, T.keyGroup, `signing-keys-${slot}-key-group`);
        assert.match(
          String(secret.inputs.name),
          new RegExp(`^signed-hls-cdn/${stack}/${slot}-private-key-[0-9a-f]{8}$`),
        );
        assert.equal(pair.inputs.secretId, secret.id);
        assert.equal(group.inputs.encodedKey, pair.state.publicKeyPem);
        assert.match(String(group.inputs.encodedKey), /^-----BEGIN PUBLIC KEY-----/);
        assert.match(
          String(group.inputs.publicKeyName),
          new RegExp(`^signed-hls-cdn-${stack}-${slot}-initial-[0-9a-f]{8}$`),
        );
      }
      const parameter = (suffix: string) => resourceNamed(run, T.parameter, `signing-keys-${suffix}`).inputs;
      assert.equal(parameter("active-key-id").name, `/cloudfront-signer/${stack}/active-key-id`);
      assert.equal(
        parameter("active-key-id").initialValue,
        resourceNamed(run, T.keyGroup, "signing-keys-active-key-group").state.initialPublicKeyId,
      );
      assert.equal(
        parameter("active-secret-arn").initialValue,
        resourceNamed(run, T.secret, "signing-keys-active-secret").id,
      );
    });

    it("grants each role only its own actions on exact ARNs", () => {
      const parameterArn = (suffix: string) =>
        resourceNamed(run, T.parameter, `signing-keys-${suffix}`).state.arn;
      const secretArns = ["active", "inactive"].map(
        (slot) => resourceNamed(run, T.secret, `signing-keys-${slot}-secret`).id,
      );
      const readKey: Statement[] = [
        {
          Sid: "ReadActiveKeyParameters",
          Effect: "Allow",
          Action: ["ssm:GetParameters"],
          Resource: [String(parameterArn("active-key-id")), String(parameterArn("active-secret-arn"))],
        },
        {
          Sid: "ReadSigningSecrets",
          Effect: "Allow",
          Action: ["secretsmanager:GetSecretValue"],
          Resource: secretArns,
        },
      ];
      assert.deepEqual(roleOf(run, "signer").statements, readKey);
      assert.deepEqual(roleOf(run, "manifest-edge").statements, readKey);
      const region = stack === "dev" ? "eu-west-1" : "us-east-1";
      assert.deepEqual(roleOf(run, "rotation").statements, [
        {
          Sid: "ReadWriteRotationParameters",
          Effect: "Allow",
          Action: ["ssm:GetParameters", "ssm:PutParameter"],
          Resource: [
            String(parameterArn("active-key-id")),
            String(parameterArn("active-secret-arn")),
            `arn:aws:ssm:${region}:123456789012:parameter/cloudfront-signer/${stack}/rotation-state`,
          ],
        },
        {
          Sid: "ReadWriteSigningSecrets",
          Effect: "Allow",
          Action: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
          Resource: secretArns,
        },
        {
          Sid: "ManageSigningPublicKeys",
          Effect: "Allow",
          Action: [
            "cloudfront:CreatePublicKey",
            "cloudfront:DeletePublicKey",
            "cloudfront:GetPublicKey",
            "cloudfront:ListPublicKeys",
            "cloudfront:GetKeyGroup",
            "cloudfront:UpdateKeyGroup",
          ],
          // These CloudFront actions support no resource-level permissions.
          Resource: "*",
        },
        {
          Sid: "WatchDistributionDeployment",
          Effect: "Allow",
          Action: ["cloudfront:GetDistribution"],
          Resource: [String(ofType(run, T.distribution)[0].state.arn)],
        },
        {
          Sid: "ReportFailedInvocations",
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: [String(ofType(run, "aws:sqs/queue:Queue")[0].state.arn)],
        },
      ]);
      for (const component of ["signer", "manifest-edge", "rotation"]) {
        const { statements, attachments } = roleOf(run, component);
        for (const statement of statements) {
          for (const action of statement.Action) assert.doesNotMatch(action, /\*/, `${component}: ${action}`);
        }
        assert.deepEqual(
          attachments.map((attachment) => attachment.inputs.policyArn),
          ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
        );
      }
    });

    it("schedules the rotation from the config and tags its timing for the policy pack", () => {
      const rule = ofType(run, "aws:cloudwatch/eventRule:EventRule")[0];
      assert.equal(rule.inputs.scheduleExpression, stack === "dev" ? "rate(1 hour)" : "rate(1 day)");
      assert.equal(rule.inputs.state, "ENABLED");
      const permission = ofType(run, "aws:lambda/permission:Permission")[0].inputs;
      assert.equal(permission.principal, "events.amazonaws.com");
      assert.equal(permission.sourceArn, rule.state.arn);
      const rotation = resourceNamed(run, T.lambda, "rotation");
      const tags = rotation.inputs.tags as Record<string, string>;
      assert.equal(tags["signed-hls-cdn:rotation-interval-seconds"], stack === "dev" ? "86400" : "7776000");
      assert.equal(tags["signed-hls-cdn:max-url-lifetime-seconds"], stack === "dev" ? "7200" : "21600");
      assert.equal(ofType(run, "aws:lambda/functionUrl:FunctionUrl")[0].inputs.authorizationType, "AWS_IAM");
    });

    it("ships each Lambda as its serialized closure alone (no @pulumi, no AWS SDK, no node_modules)", () => {
      for (const fn of ofType(run, T.lambda)) {
        const code = fn.inputs.code as {
          kind: string;
          assets: Record<string, { kind: string; text: string }>;
        };
        assert.deepEqual(Object.keys(code.assets), ["__index.js"], fn.name);
        assert.equal(fn.inputs.handler, "__index.handler");
        assert.match(String(fn.inputs.runtime), /^nodejs2[2-9]\.x$/);
        assert.doesNotMatch(
          code.assets["__index.js"].text,
          /require\("@pulumi\//,
          `${fn.name} does not load Pulumi`,
        );
      }
    });

    it("exports the app config outputs, none of them secret, and no private key anywhere", () => {
      const outputs = run.outputs as Record<string, unknown> & {
        appConfig: Record<string, Record<string, unknown>>;
      };
      assert.deepEqual(Object.keys(outputs).sort(), [
        "alarmTopicArns",
        "appConfig",
        "applicationPolicy",
        "dashboardName",
        "distributionDomainName",
        "distributionId",
        "keyGroupIds",
        "manifestFunctionVersionArn",
        ...(stack === "prod" ? ["originEndpointPolicy"] : []),
        "parameterNames",
        "rotationFunctionName",
        "secretArns",
        "signerFunctionName",
        "signerFunctionUrl",
      ]);
      assert.deepEqual(run.secretOutputs, []);
      const distribution = ofType(run, T.distribution)[0];
      assert.equal(outputs.distributionId, distribution.id);
      assert.equal(outputs.distributionDomainName, distribution.state.domainName);
      assert.deepEqual(outputs.parameterNames, {
        activeKeyId: `/cloudfront-signer/${stack}/active-key-id`,
        activeSecretArn: `/cloudfront-signer/${stack}/active-secret-arn`,
        rotationState: `/cloudfront-signer/${stack}/rotation-state`,
      });
      const app = outputs.appConfig;
      assert.equal(app.schemaVersion as unknown, 1);
      assert.equal(app.distribution.id, outputs.distributionId);
      assert.equal(app.signer.functionUrl, outputs.signerFunctionUrl);
      // An AWS_IAM Function URL caller needs both actions (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
      const signerArn = resourceNamed(run, T.lambda, "signer").state.arn;
      assert.equal(app.signer.applicationPolicy, outputs.applicationPolicy);
      assert.deepEqual(JSON.parse(String(outputs.applicationPolicy)), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "InvokeSignerFunctionUrl",
            Effect: "Allow",
            Action: "lambda:InvokeFunctionUrl",
            Resource: signerArn,
            Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } },
          },
          {
            Sid: "InvokeSignerFunction",
            Effect: "Allow",
            Action: "lambda:InvokeFunction",
            Resource: signerArn,
          },
        ],
      });
      assert.deepEqual(app.keys.keyGroupIds, outputs.keyGroupIds);
      assert.deepEqual(app.keys.secretArns, outputs.secretArns);
      assert.equal(app.edge.functionVersionArn, outputs.manifestFunctionVersionArn);
      assert.equal(app.signing.manifestSuffix, "._m3u8");
      assert.equal(
        app.distribution.baseUrl,
        stack === "dev" ? `https://${String(outputs.distributionDomainName)}` : "https://media.example.com",
      );
      // A PEM private key block (header followed by base64), anywhere: inputs, state, code, outputs.
      const everything = JSON.stringify(run).replace(/\\n/g, "\n");
      const leak = /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{16}/.exec(everything);
      assert.equal(
        leak,
        null,
        `private key material near: ${leak ? everything.slice(leak.index - 200, leak.index + 80) : ""}`,
      );
      assert.match(
        everything,
        /-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=]{16}/,
        "the check can see PEM blocks",
      );
    });
  });
}

describe("infra program under mocks: config errors stop the program", function () {
  this.timeout(180000);
  it("refuses a rotation interval that breaks the invariant before creating anything", async () => {
    await assert.rejects(
      runProgram("dev", { rotationInterval: "2h" }),
      /rotationInterval \(7200s\) must exceed/,
    );
  });
  it("refuses aliases without a certificate", async () => {
    await assert.rejects(
      runProgram("prod", { certificateArn: "" }),
      /certificateArn: required when aliases are set/,
    );
  });
  it("ipv6Enabled true: the distribution answers IPv6 and the signer and edge are tagged as refusing IP binding", async () => {
    const run = await runProgram("dev", { ipv6Enabled: "true" });
    assert.equal((ofType(run, T.distribution)[0].inputs as Record<string, unknown>).isIpv6Enabled, true);
    for (const name of ["signer", "manifest-edge"]) {
      const tags = resourceNamed(run, T.lambda, name).inputs.tags as Record<string, string>;
      assert.equal(tags["signed-hls-cdn:ip-binding"], "refused", name);
    }
  });
  it("follows overrides: origin-request trigger and an HTTPS origin on dev", async () => {
    const run = await runProgram("dev", {
      edgeTrigger: "origin-request",
      originType: "https",
      originDomain: "origin.example.com",
      originSecretHeader: "X-Origin-Verify",
    });
    const manifest = behaviorsOf(run).find((behavior) => behavior.pathPattern === "*._m3u8")!;
    assert.equal(manifest.lambdaFunctionAssociations?.[0].eventType, "origin-request");
    const manifestPolicy = ofType(run, T.cachePolicy).find((policy) => policy.id === manifest.cachePolicyId)!
      .inputs as { parametersInCacheKeyAndForwardedToOrigin: { headersConfig: unknown } };
    assert.deepEqual(manifestPolicy.parametersInCacheKeyAndForwardedToOrigin.headersConfig, {
      headerBehavior: "whitelist",
      headers: { items: ["Host", "Origin", "X-Signed-Hls-Grant"] },
    });
    assert.equal(ofType(run, "aws:s3/bucket:Bucket").length, 0);
    const [origin] = ofType(run, T.distribution)[0].inputs.origins as {
      domainName: string;
      customHeaders: { name: string; value: string }[];
    }[];
    assert.equal(origin.domainName, "origin.example.com");
    // The secret origin header: random, and a secret output for the origin's configuration.
    assert.equal(origin.customHeaders.length, 1);
    assert.equal(origin.customHeaders[0].name, "X-Origin-Verify");
    assert.equal(origin.customHeaders[0].value, run.outputs.originSecretHeaderValue);
    assert.ok(run.secretOutputs.includes("originSecretHeaderValue"));
    assert.equal(run.outputs.originEndpointPolicy, undefined);
  });
});

export type { CapturedResource };
