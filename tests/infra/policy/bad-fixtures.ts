/**
 * One or more unsafe changes per policy, each applied to a fresh good stack,
 * with exactly the violations the policy must report (one regex each).
 */
import { IP_BINDING_TAG, ROTATION_TIMING_TAGS } from "../../../infra/policy/conventions";
import {
  ACCOUNT,
  EDGE_VERSION_ARN,
  KEY_GROUP_IDS,
  TEST_KEYS,
  code,
  goodStack,
  policyJson,
  type StackFixture,
  type Variant,
} from "./fixtures";
import type { CapturedResource, PackConfig } from "./runner";

export interface BadFixture {
  policy: string;
  title: string;
  variant?: Variant;
  mutate(stack: StackFixture): void;
  expected: RegExp[];
  config?: PackConfig;
}

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const FUNCTION = "aws:lambda/function:Function";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const SIGNING_KEY_GROUP = "pulumi-nodejs:dynamic/signed-hls-cdn:SigningKeyGroup";
const SSM_PARAMETER = "aws:ssm/parameter:Parameter";

type Behavior = Record<string, unknown> & { pathPattern: string };

function behaviors(stack: StackFixture): Behavior[] {
  return stack.get(DISTRIBUTION).inputs.orderedCacheBehaviors as Behavior[];
}

function behavior(stack: StackFixture, pathPattern: string): Behavior {
  const found = behaviors(stack).find((candidate) => candidate.pathPattern === pathPattern);
  if (!found) throw new Error(`fixture has no behavior ${pathPattern}`);
  return found;
}

function manifestAssociations(stack: StackFixture): Record<string, unknown>[] {
  return behavior(stack, "*._m3u8").lambdaFunctionAssociations as Record<string, unknown>[];
}

/** An `aws:ssm/parameter:Parameter` beside the signing keys. */
function addParameter(stack: StackFixture, name: string, inputs: Record<string, unknown>) {
  stack.add(SSM_PARAMETER, name, inputs, { parent: stack.get("signed-hls-cdn:keys:SigningKeys") });
}

function setPolicy(resource: CapturedResource, statements: object[]) {
  resource.inputs.policy = policyJson(statements);
}

export const BAD_FIXTURES: BadFixture[] = [
  // behaviors-require-trusted-key-groups
  {
    policy: "behaviors-require-trusted-key-groups",
    title: "a segment behavior without trusted key groups",
    mutate: (stack) => delete behavior(stack, "*.ts").trustedKeyGroups,
    expected: [/behavior "\*\.ts" trusts no key group/],
  },
  {
    policy: "behaviors-require-trusted-key-groups",
    title: "legacy trustedSigners on the default behavior",
    mutate: (stack) => {
      (stack.get(DISTRIBUTION).inputs.defaultCacheBehavior as Record<string, unknown>).trustedSigners = [
        "self",
      ];
    },
    expected: [/default behavior uses legacy trustedSigners/],
  },
  {
    policy: "behaviors-require-trusted-key-groups",
    title: "a behavior of contract/behaviors.ts dropped",
    mutate: (stack) => {
      const inputs = stack.get(DISTRIBUTION).inputs;
      inputs.orderedCacheBehaviors = behaviors(stack).filter(
        (candidate) => candidate.pathPattern !== "*.vtt",
      );
    },
    expected: [/behavior "\*\.vtt" of contract\/behaviors\.ts is missing/],
  },
  {
    policy: "behaviors-require-trusted-key-groups",
    title: "*.m3u8 moved before *._m3u8 (first match wins)",
    mutate: (stack) => {
      const list = behaviors(stack);
      [list[0], list[1]] = [list[1], list[0]];
    },
    expected: [/behavior "\*\.m3u8" is out of the order/],
  },
  // protected-behaviors-trust-both-key-groups
  {
    policy: "protected-behaviors-trust-both-key-groups",
    title: "a media behavior trusting only the active group",
    mutate: (stack) => {
      behavior(stack, "*.m4s").trustedKeyGroups = [KEY_GROUP_IDS[0]];
    },
    expected: [
      /behavior "\*\.m4s" trusts 1 key group\(s\); it must trust both/,
      /behavior "\*\.m4s" trusts a different set of key groups than default behavior/,
    ],
  },
  {
    policy: "protected-behaviors-trust-both-key-groups",
    title: "the inactive key group removed from the stack",
    mutate: (stack) => stack.remove(SIGNING_KEY_GROUP, "signing-keys-inactive-group"),
    expected: [/the stack defines 1 key group\(s\); rotation needs an active and an inactive group/],
  },
  {
    policy: "protected-behaviors-trust-both-key-groups",
    title: "analyzer dependencies show the behaviors never reference the inactive group",
    mutate: (stack) => {
      const active = stack.get(SIGNING_KEY_GROUP, "signing-keys-active-group");
      stack.get(DISTRIBUTION).options.propertyDependencies = {
        defaultCacheBehavior: [active.urn],
        orderedCacheBehaviors: [active.urn],
      };
    },
    expected: [/key group "signing-keys-inactive-group" is not trusted by the distribution's behaviors/],
  },
  // https-only-modern-tls
  {
    policy: "https-only-modern-tls",
    title: "redirect-to-https on the default behavior",
    mutate: (stack) => {
      (stack.get(DISTRIBUTION).inputs.defaultCacheBehavior as Record<string, unknown>).viewerProtocolPolicy =
        "redirect-to-https";
    },
    expected: [/default behavior has viewerProtocolPolicy "redirect-to-https"; it must be "https-only"/],
  },
  {
    policy: "https-only-modern-tls",
    title: "a custom certificate with TLSv1",
    variant: "prod",
    mutate: (stack) => {
      (stack.get(DISTRIBUTION).inputs.viewerCertificate as Record<string, unknown>).minimumProtocolVersion =
        "TLSv1";
    },
    expected: [/custom certificate with minimumProtocolVersion "TLSv1"/],
  },
  {
    policy: "https-only-modern-tls",
    title: "an HTTP custom origin",
    variant: "prod",
    mutate: (stack) => {
      const origin = (stack.get(DISTRIBUTION).inputs.origins as Record<string, Record<string, unknown>>[])[0];
      origin.customOriginConfig.originProtocolPolicy = "http-only";
    },
    expected: [/origin "media" uses originProtocolPolicy "http-only"/],
  },
  // manifest-edge-association
  {
    policy: "manifest-edge-association",
    title: "two associations on *._m3u8",
    mutate: (stack) => {
      manifestAssociations(stack).push({ eventType: "viewer-response", lambdaArn: EDGE_VERSION_ARN });
    },
    expected: [/behavior "\*\._m3u8" has 2 Lambda@Edge associations; it must have exactly one/],
  },
  {
    policy: "manifest-edge-association",
    title: "the $LATEST (unpublished) ARN",
    mutate: (stack) => {
      manifestAssociations(stack)[0].lambdaArn = EDGE_VERSION_ARN.replace(/:3$/, ":$LATEST");
    },
    expected: [/associates ".*:\$LATEST", which is not a published version/],
  },
  {
    policy: "manifest-edge-association",
    title: "a function version in eu-west-1",
    mutate: (stack) => {
      manifestAssociations(stack)[0].lambdaArn = EDGE_VERSION_ARN.replace("us-east-1", "eu-west-1");
    },
    expected: [/associates a function in eu-west-1; Lambda@Edge functions live in us-east-1/],
  },
  {
    policy: "manifest-edge-association",
    title: "the edge function created with the stack's regional provider",
    mutate: (stack) => {
      const fn = stack.get(FUNCTION, "manifest-edge");
      fn.options.provider = `${stack.get("pulumi:providers:aws", "default_7_48_0").urn}::id`;
    },
    expected: [/edge function "manifest-edge" is created with provider region "eu-west-1"/],
  },
  {
    policy: "manifest-edge-association",
    title: "a 10 s timeout on a viewer-request trigger",
    mutate: (stack) => {
      stack.get(FUNCTION, "manifest-edge").inputs.timeout = 10;
    },
    expected: [/timeout 10 s; a viewer-request trigger allows at most 5 s/],
  },
  {
    policy: "manifest-edge-association",
    title: "512 MB on a viewer-request trigger",
    mutate: (stack) => {
      stack.get(FUNCTION, "manifest-edge").inputs.memorySize = 512;
    },
    expected: [/memorySize 512 MB; a viewer-request trigger allows at most 128 MB/],
  },
  {
    policy: "manifest-edge-association",
    title: "no association at all",
    mutate: (stack) => {
      delete behavior(stack, "*._m3u8").lambdaFunctionAssociations;
    },
    expected: [/has 0 Lambda@Edge associations/],
  },
  // edge-function-constraints
  {
    policy: "edge-function-constraints",
    title: "environment variables on the edge function",
    mutate: (stack) => {
      stack.get(FUNCTION, "manifest-edge").inputs.environment = {
        variables: { PARAMETER_PREFIX: "/cloudfront-signer/dev" },
      };
    },
    expected: [/the edge function has environment variables/],
  },
  {
    policy: "edge-function-constraints",
    title: "an unsupported runtime",
    mutate: (stack) => {
      stack.get(FUNCTION, "manifest-edge").inputs.runtime = "nodejs16.x";
    },
    expected: [/runtime "nodejs16\.x" is not one of/],
  },
  {
    policy: "edge-function-constraints",
    title: "publish turned off",
    mutate: (stack) => {
      stack.get(FUNCTION, "manifest-edge").inputs.publish = false;
    },
    expected: [/the edge function is not published/],
  },
  {
    policy: "edge-function-constraints",
    title: "created in the stack region",
    mutate: (stack) => {
      stack.get(FUNCTION, "manifest-edge").options.provider =
        `${stack.get("pulumi:providers:aws", "default_7_48_0").urn}::id`;
    },
    expected: [/provider region is "eu-west-1"; it must be created with a us-east-1 provider/],
  },
  {
    policy: "edge-function-constraints",
    title: "an edge role that edgelambda cannot assume",
    mutate: (stack) => {
      stack.get("aws:iam/role:Role", "manifest-edge-role").inputs.assumeRolePolicy = policyJson([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    },
    expected: [/the edge role does not let edgelambda\.amazonaws\.com assume it/],
  },
  // mediapackage-origin-via-oac
  {
    policy: "mediapackage-origin-via-oac",
    title: "a MediaPackage v2 origin without an origin access control",
    mutate: (stack) => {
      stack.get(DISTRIBUTION).inputs.origins = [
        {
          originId: "media",
          domainName: "abcd1234.egress.mediapackagev2.us-east-1.amazonaws.com",
          customOriginConfig: {
            originProtocolPolicy: "https-only",
            httpPort: 80,
            httpsPort: 443,
            originSslProtocols: ["TLSv1.2"],
          },
        },
      ];
    },
    expected: [/origin "media" is a MediaPackage v2 endpoint reached without an origin access control/],
  },
  // rotation-owned-values-create-only
  {
    policy: "rotation-owned-values-create-only",
    title: "the active-key parameter made by the AWS provider (an up would write its stored value back)",
    mutate: (stack) => {
      stack.remove(
        "pulumi-nodejs:dynamic/signed-hls-cdn:RotationOwnedParameter",
        "signing-keys-active-key-id",
      );
      addParameter(stack, "signing-keys-active-key-id", {
        name: `/cloudfront-signer/${stack.stack}/active-key-id`,
        type: "String",
        value: "K0PUBLICKEYID",
      });
    },
    expected: [
      /parameter "\/cloudfront-signer\/\w+\/active-key-id" is written by the rotation but made by the AWS provider/,
    ],
  },
  {
    policy: "rotation-owned-values-create-only",
    title: "a key group made by the AWS provider (destroy sends the ETag stored in state)",
    mutate: (stack) => {
      stack.remove(SIGNING_KEY_GROUP, "signing-keys-inactive-group");
      stack.add(
        "aws:cloudfront/keyGroup:KeyGroup",
        "signing-keys-inactive-group",
        { items: ["K1PUBLICKEYID"] },
        { parent: stack.get("signed-hls-cdn:keys:SigningKeys") },
      );
    },
    expected: [/key group made by the AWS provider/],
  },
  // no-private-key-in-plain-inputs
  {
    policy: "no-private-key-in-plain-inputs",
    title: "the private key in an SSM String parameter",
    mutate: (stack) => {
      addParameter(stack, "app-setting", {
        name: "/app/setting",
        type: "String",
        value: TEST_KEYS.privateKey,
      });
    },
    expected: [/input value contains a PEM "PRIVATE KEY" block/],
  },
  {
    policy: "no-private-key-in-plain-inputs",
    title: "the private key in the signer's environment",
    mutate: (stack) => {
      stack.get(FUNCTION, "signer").inputs.environment = { variables: { PRIVATE_KEY: TEST_KEYS.privateKey } };
    },
    expected: [/input environment\.variables\.PRIVATE_KEY contains a PEM "PRIVATE KEY" block/],
  },
  {
    policy: "no-private-key-in-plain-inputs",
    title: "the private key captured in the signer's serialized closure",
    mutate: (stack) => {
      stack.get(FUNCTION, "signer").inputs.code = code(
        `const key = ${JSON.stringify(TEST_KEYS.privateKey)};\nexports.handler = async () => key.length;`,
      );
    },
    expected: [/input code\/__index\.js contains a PEM "PRIVATE KEY" block/],
  },
  {
    policy: "no-private-key-in-plain-inputs",
    title: "the private key as a plain secret string of a dynamic resource",
    mutate: (stack) => {
      stack.add("pulumi-nodejs:dynamic:Resource", "initial-key-pair", {
        __provider: "exports.handler = {}",
        privateKey: TEST_KEYS.privateKey,
      });
    },
    expected: [/input privateKey contains a PEM "PRIVATE KEY" block/],
  },
  // no-private-key-in-state
  {
    policy: "no-private-key-in-state",
    title: "a key-pair resource that returns the private key as an output",
    mutate: (stack) => {
      const pair = stack.add(
        "pulumi-nodejs:dynamic/signed-hls-cdn:InitialKeyPair",
        "signing-keys-active-initial-key-pair",
        {
          secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:active-AbCdEf",
        },
      );
      pair.state = { ...pair.inputs, publicKeyPem: TEST_KEYS.publicKey, privateKeyPem: TEST_KEYS.privateKey };
    },
    expected: [
      /"signing-keys-active-initial-key-pair" keeps a PEM "PRIVATE KEY" block in its state \(privateKeyPem\)/,
    ],
  },
  // least-privilege-iam
  {
    policy: "least-privilege-iam",
    title: "an AWS managed FullAccess policy on the signer role",
    mutate: (stack) => {
      stack.add(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "signer-role-s3",
        { role: "signer-role-1234", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" },
        { parent: stack.get("signed-hls-cdn:signer:SignerFunction") },
      );
    },
    expected: [/attaches the AWS managed policy arn:aws:iam::aws:policy\/AmazonS3FullAccess/],
  },
  {
    policy: "least-privilege-iam",
    title: "a wildcard action on the rotation role",
    mutate: (stack) => {
      setPolicy(stack.get(ROLE_POLICY, "rotation-role-policy"), [
        {
          Sid: "Everything",
          Effect: "Allow",
          Action: "cloudfront:*",
          Resource: [`arn:aws:cloudfront::${ACCOUNT}:distribution/E1DISTRIBUTION`],
        },
      ]);
    },
    expected: [/statement "Everything" allows the wildcard action "cloudfront:\*"/],
  },
  {
    policy: "least-privilege-iam",
    title: "Resource * where the parameter ARNs are known",
    mutate: (stack) => {
      setPolicy(stack.get(ROLE_POLICY, "signer-role-policy"), [
        { Sid: "ReadAnyParameter", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: "*" },
      ]);
    },
    expected: [
      /statement "ReadAnyParameter" allows ssm:GetParameter on Resource "\*"; these accept resource ARNs/,
    ],
  },
  {
    policy: "least-privilege-iam",
    title: "the signer writing the secret",
    mutate: (stack) => {
      setPolicy(stack.get(ROLE_POLICY, "signer-role-policy"), [
        {
          Sid: "WriteSecret",
          Effect: "Allow",
          Action: ["secretsmanager:PutSecretValue"],
          Resource: [
            `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:signed-hls-cdn/dev/active-1a2b-AbCdEf`,
          ],
        },
      ]);
    },
    expected: [
      /lets a signer role write the key store \(secretsmanager:PutSecretValue\); only the rotation role may/,
      /gives the signer role "secretsmanager:PutSecretValue"; it may only read/,
    ],
  },
  {
    policy: "least-privilege-iam",
    title: "the edge role reading every parameter",
    mutate: (stack) => {
      setPolicy(stack.get(ROLE_POLICY, "manifest-edge-role-policy"), [
        {
          Sid: "ReadAll",
          Effect: "Allow",
          Action: ["ssm:GetParameter"],
          Resource: [`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/*`],
        },
      ]);
    },
    expected: [
      /gives the edge role ssm access to "arn:aws:ssm:us-east-1:123456789012:parameter\/\*"; name the exact ARNs/,
    ],
  },
  {
    policy: "least-privilege-iam",
    title: "the signer reading a third secret",
    mutate: (stack) => {
      const extra = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:someone-elses-AbCdEf`;
      const policy = stack.get(ROLE_POLICY, "signer-role-policy");
      const document = JSON.parse(policy.inputs.policy as string);
      document.Statement[1].Resource.push(extra);
      policy.inputs.policy = JSON.stringify(document);
    },
    expected: [/the signer role can read 3 secrets; it needs only the 2 key secrets/],
  },
  {
    policy: "least-privilege-iam",
    title: "a role outside the three components writing parameters (e.g. a CI role)",
    mutate: (stack) => {
      stack.add(ROLE_POLICY, "uploader-policy", {
        role: "uploader",
        policy: policyJson([
          {
            Effect: "Allow",
            Action: "ssm:PutParameter",
            Resource: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/cloudfront-signer/dev/active-key-id`,
          },
        ]),
      });
    },
    expected: [/statement 0 lets a non-rotation role write the key store \(ssm:PutParameter\)/],
  },
  {
    policy: "least-privilege-iam",
    title: "the signer reading a parameter that is not one of its key parameters",
    mutate: (stack) => {
      setPolicy(stack.get(ROLE_POLICY, "signer-role-policy"), [
        {
          Sid: "ReadDbPassword",
          Effect: "Allow",
          Action: ["ssm:GetParameter"],
          Resource: [`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/app/db-password`],
        },
      ]);
    },
    expected: [
      /statement "ReadDbPassword" gives the signer role ".*parameter\/app\/db-password", which is not one of its key parameters/,
    ],
  },
  {
    policy: "least-privilege-iam",
    title: "an anonymous signer function URL",
    mutate: (stack) => {
      stack.get("aws:lambda/functionUrl:FunctionUrl").inputs.authorizationType = "NONE";
    },
    expected: [/the function URL uses authorizationType "NONE"/],
  },
  {
    policy: "least-privilege-iam",
    title: "anyone allowed to invoke the rotation",
    mutate: (stack) => {
      stack.get("aws:lambda/permission:Permission").inputs.principal = "*";
    },
    expected: [/the Lambda permission lets anyone invoke \(principal "\*"\)/],
  },
  // key-group-limits
  {
    policy: "key-group-limits",
    title: "six public keys in one key group",
    mutate: (stack) => {
      const keys = stack.get("signed-hls-cdn:keys:SigningKeys");
      stack.add(
        "aws:cloudfront/keyGroup:KeyGroup",
        "extra-group",
        { items: ["K1", "K2", "K3", "K4", "K5", "K6"] },
        { parent: keys },
      );
    },
    expected: [/key group holds 6 public keys; CloudFront allows 5/],
  },
  {
    policy: "key-group-limits",
    title: "five key groups on one behavior",
    mutate: (stack) => {
      behavior(stack, "*.key").trustedKeyGroups = [...KEY_GROUP_IDS, "kg-3", "kg-4", "kg-5"];
    },
    expected: [/behavior "\*\.key" trusts 5 key groups; CloudFront allows 4/],
  },
  // s3-origin-private-via-oac
  {
    policy: "s3-origin-private-via-oac",
    title: "restrictPublicBuckets off",
    mutate: (stack) => {
      stack.get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs.restrictPublicBuckets =
        false;
    },
    expected: [/public access block "media-public-access" leaves restrictPublicBuckets off/],
  },
  {
    policy: "s3-origin-private-via-oac",
    title: "no public access block",
    mutate: (stack) => stack.remove("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"),
    expected: [/bucket "media" has no BucketPublicAccessBlock/],
  },
  {
    policy: "s3-origin-private-via-oac",
    title: "the S3 origin without OAC",
    mutate: (stack) => {
      delete (stack.get(DISTRIBUTION).inputs.origins as Record<string, unknown>[])[0].originAccessControlId;
    },
    expected: [/S3 origin "media" has no originAccessControlId/],
  },
  {
    policy: "s3-origin-private-via-oac",
    title: "a bucket policy open to everyone",
    mutate: (stack) => {
      setPolicy(stack.get("aws:s3/bucketPolicy:BucketPolicy"), [
        { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::media-7c1d/*" },
      ]);
    },
    expected: [/bucket policy "cdn-bucket-policy" allows everyone/],
  },
  {
    policy: "s3-origin-private-via-oac",
    title: "CloudFront allowed without a SourceArn condition",
    mutate: (stack) => {
      setPolicy(stack.get("aws:s3/bucketPolicy:BucketPolicy"), [
        {
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::media-7c1d/*",
        },
      ]);
    },
    expected: [/lets any CloudFront distribution read; add Condition StringEquals AWS:SourceArn/],
  },
  {
    policy: "s3-origin-private-via-oac",
    title: "OAC that does not sign",
    mutate: (stack) => {
      stack.get("aws:cloudfront/originAccessControl:OriginAccessControl").inputs.signingBehavior = "never";
    },
    expected: [/origin access control sets signingBehavior "never"; it must be "always"/],
  },
  // rotation-outlives-signed-urls
  {
    policy: "rotation-outlives-signed-urls",
    title: "rotation interval shorter than TTL + lifetime + skew",
    mutate: (stack) => {
      const tags = stack.get(FUNCTION, "rotation").inputs.tags as Record<string, string>;
      tags[ROTATION_TIMING_TAGS.rotationIntervalSeconds] = "7200";
      stack.get("aws:cloudwatch/eventRule:EventRule").inputs.scheduleExpression = "rate(2 hours)";
    },
    expected: [/rotation interval 2 h is not longer than signer key age 600 s .* = 7920 s/],
  },
  {
    policy: "rotation-outlives-signed-urls",
    title: "no schedule",
    mutate: (stack) => stack.remove("aws:cloudwatch/eventRule:EventRule"),
    expected: [/no schedule runs the rotation function/],
  },
  {
    policy: "rotation-outlives-signed-urls",
    title: "schedule disabled",
    mutate: (stack) => {
      stack.get("aws:cloudwatch/eventRule:EventRule").inputs.state = "DISABLED";
    },
    expected: [/schedule "rotation-schedule" is disabled/],
  },
  {
    policy: "rotation-outlives-signed-urls",
    title: "timing not stated anywhere",
    mutate: (stack) => {
      delete stack.get(FUNCTION, "rotation").inputs.tags;
    },
    expected: [
      /cannot check the rotation invariant: signed-hls-cdn:signer-cache-ttl-seconds, signed-hls-cdn:max-url-lifetime-seconds not stated/,
    ],
  },
  {
    policy: "rotation-outlives-signed-urls",
    title: "schedule slower than the interval",
    mutate: (stack) => {
      stack.get("aws:cloudwatch/eventRule:EventRule").inputs.scheduleExpression = "rate(7 days)";
    },
    expected: [/the rotation schedule runs every 7 d, less often than the 1 d rotation interval/],
  },
  {
    policy: "rotation-outlives-signed-urls",
    title: "no rotation function",
    mutate: (stack) => stack.remove(FUNCTION, "rotation"),
    expected: [/the stack has no rotation function/],
  },

  // production-stacks-have-alarms
  {
    policy: "production-stacks-have-alarms",
    title: "a production stack without the rotation-overdue alarm",
    variant: "prod",
    mutate: (stack) => {
      const alarms = stack.resources.filter(
        (resource) =>
          resource.type === "aws:cloudwatch/metricAlarm:MetricAlarm" &&
          resource.inputs.metricName === "ActiveKeyAgeSeconds",
      );
      for (const alarm of alarms) stack.resources.splice(stack.resources.indexOf(alarm), 1);
    },
    expected: [/production stack has no alarm on SignedHlsCdn ActiveKeyAgeSeconds/],
  },
  {
    policy: "production-stacks-have-alarms",
    title: "a production alarm that notifies nobody, and no topic",
    variant: "prod",
    mutate: (stack) => {
      stack.remove("aws:sns/topic:Topic");
      stack.get("aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-alarm-0").inputs.alarmActions = [];
    },
    expected: [/alarm "monitoring-alarm-0" notifies no SNS topic/],
  },

  // ipv6-without-ip-binding
  {
    policy: "ipv6-without-ip-binding",
    title: "IPv6 enabled while the signer and the edge accept IP-bound grants",
    mutate: (stack) => {
      stack.get(DISTRIBUTION).inputs.isIpv6Enabled = true;
      stack.get(FUNCTION, "signer").inputs.tags = { [IP_BINDING_TAG]: "allowed" };
    },
    expected: [
      /signer function "signer" allows IP-bound grants \(signed-hls-cdn:ip-binding=allowed\) while distribution "\S+" has isIpv6Enabled true/,
      /edge function "manifest-edge" allows IP-bound grants \(signed-hls-cdn:ip-binding=\(not set\)\)/,
    ],
  },
  {
    policy: "ipv6-without-ip-binding",
    title: "IPv6 enabled, only the signer refusing IP binding",
    mutate: (stack) => {
      stack.get(DISTRIBUTION).inputs.isIpv6Enabled = true;
      stack.get(FUNCTION, "signer").inputs.tags = { [IP_BINDING_TAG]: "refused" };
    },
    expected: [/edge function "manifest-edge" allows IP-bound grants/],
  },
];

/** Changes that look risky but are safe: each must produce no violation of the named policy. */
export const SAFE_CHANGES: BadFixture[] = [
  {
    policy: "production-stacks-have-alarms",
    title: "a stack not marked production, without alarms or topics",
    mutate: (stack) => {
      for (const type of ["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:sns/topic:Topic"]) {
        for (const resource of stack.resources.filter((candidate) => candidate.type === type))
          stack.resources.splice(stack.resources.indexOf(resource), 1);
      }
    },
    expected: [],
  },
  {
    policy: "ipv6-without-ip-binding",
    title: "IPv6 enabled with the signer and the edge refusing IP binding",
    mutate: (stack) => {
      stack.get(DISTRIBUTION).inputs.isIpv6Enabled = true;
      for (const name of ["signer", "manifest-edge"])
        stack.get(FUNCTION, name).inputs.tags = { [IP_BINDING_TAG]: "refused" };
    },
    expected: [],
  },
  {
    policy: "ipv6-without-ip-binding",
    title: "IP binding allowed on a distribution with IPv6 disabled",
    mutate: (stack) => {
      stack.get(DISTRIBUTION).inputs.isIpv6Enabled = false;
      stack.get(FUNCTION, "signer").inputs.tags = { [IP_BINDING_TAG]: "allowed" };
    },
    expected: [],
  },
  {
    policy: "no-private-key-in-plain-inputs",
    title: "a private key in an SSM SecureString parameter",
    mutate: (stack) => {
      addParameter(stack, "app-setting", {
        name: "/app/setting",
        type: "SecureString",
        value: TEST_KEYS.privateKey,
      });
    },
    expected: [],
  },
  {
    policy: "no-private-key-in-plain-inputs",
    title: "a public key in a CloudFront public key",
    mutate: (stack) => {
      stack.get(SIGNING_KEY_GROUP, "signing-keys-active-group").inputs.encodedKey = TEST_KEYS.publicKey;
    },
    expected: [],
  },
  {
    policy: "rotation-outlives-signed-urls",
    title: "a disabled schedule accepted by config",
    mutate: (stack) => {
      stack.get("aws:cloudwatch/eventRule:EventRule").inputs.state = "DISABLED";
    },
    config: { "rotation-outlives-signed-urls": { allowDisabledSchedule: true } },
    expected: [],
  },
  {
    policy: "rotation-outlives-signed-urls",
    title: "timing from pack config instead of tags, interval from the schedule",
    mutate: (stack) => {
      delete stack.get(FUNCTION, "rotation").inputs.tags;
    },
    config: {
      "rotation-outlives-signed-urls": {
        signerCacheTtlSeconds: 60,
        maxUrlLifetimeSeconds: 7200,
        clockSkewSeconds: 120,
      },
    },
    expected: [],
  },
  {
    policy: "least-privilege-iam",
    title: "an exempted resource",
    mutate: (stack) => {
      setPolicy(stack.get(ROLE_POLICY, "rotation-role-policy"), [
        { Effect: "Allow", Action: "*", Resource: "*" },
      ]);
    },
    config: { "least-privilege-iam": { exemptResources: ["rotation-role-policy"] } },
    expected: [],
  },
];

export function applied(fixture: BadFixture): StackFixture {
  const stack = goodStack(fixture.variant ?? "dev");
  fixture.mutate(stack);
  return stack;
}
