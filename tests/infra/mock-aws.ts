/**
 * What the mocked AWS provider answers: the inputs back, plus the computed
 * attributes the program reads (ids, ARNs, domain names) shaped like the real
 * ones, so assertions on exact ARNs mean something. Deterministic: ids derive
 * from the resource name.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";

/** Providers registered so far (logical name -> region), to place resources created through them. */
const providerRegions = new Map<string, string>();

function digest(text: string, length: number, alphabet = "0123456789abcdef"): string {
  const bytes = createHash("sha256").update(text).digest();
  let result = "";
  for (let index = 0; result.length < length; index++)
    result += alphabet[bytes[index % bytes.length] % alphabet.length];
  return result;
}

function regionOf(args: pulumi.runtime.MockResourceArgs, fallback: string): string {
  if (!args.provider) return fallback;
  // A provider reference is `<urn>::<id>` and a URN ends in `::<name>`.
  const parts = args.provider.split("::");
  return providerRegions.get(parts[parts.length - 2]) ?? fallback;
}

/** A real SPKI public key for the dynamic key-pair resource; its private half is discarded here. */
function mockPublicKeyPem(algorithm: string): string {
  const pair =
    algorithm === "ecdsa-p256"
      ? generateKeyPairSync("ec", { namedCurve: "prime256v1" })
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  return pair.publicKey.export({ type: "spki", format: "pem" }).toString();
}

export function mockNewResource(
  args: pulumi.runtime.MockResourceArgs,
  defaultRegion: string,
): pulumi.runtime.MockResourceResult {
  const inputs = args.inputs as Record<string, unknown>;
  if (args.custom === false) return { id: "", state: {} };
  const region = regionOf(args, defaultRegion);
  const account = MOCK_ACCOUNT_ID;
  const hex = (length: number) => digest(`${args.type}/${args.name}`, length);
  const upper = (length: number) =>
    digest(`${args.type}/${args.name}`, length, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  const physicalName = (inputs.name as string | undefined) ?? `${args.name}-${hex(7)}`;
  const state: Record<string, unknown> = { ...inputs };
  let id = `${args.name}-id`;

  switch (args.type) {
    case "pulumi:providers:aws":
      providerRegions.set(args.name, String(inputs.region));
      id = `provider-${args.name}`;
      break;
    case "random:index/randomId:RandomId":
      state.hex = hex(Number(inputs.byteLength ?? 4) * 2);
      state.b64Url = state.hex;
      id = String(state.hex);
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      id = `${String(inputs.namePrefix ?? "")}${hex(8)}`;
      state.name = id;
      state.arn = `arn:aws:logs:${region}:${account}:log-group:${id}`;
      break;
    case "aws:sqs/queue:Queue":
      id = `https://sqs.${region}.amazonaws.com/${account}/${physicalName}`;
      state.arn = `arn:aws:sqs:${region}:${account}:${physicalName}`;
      break;
    case "random:index/randomPassword:RandomPassword":
      state.result = digest(
        `${args.name}/password`,
        Number(inputs.length ?? 16),
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      );
      break;
    case "aws:secretsmanager/secret:Secret":
      id = `arn:aws:secretsmanager:${region}:${account}:secret:${physicalName}-${upper(6)}`;
      state.arn = id;
      break;
    case "pulumi-nodejs:dynamic/signed-hls-cdn:InitialKeyPair":
      state.publicKeyPem = mockPublicKeyPem(String(inputs.algorithm));
      state.secretVersionId = digest(args.name, 32);
      id = `${String(inputs.secretId)}#${String(state.secretVersionId)}`;
      break;
    case "aws:cloudfront/publicKey:PublicKey":
      id = `K${upper(13)}`;
      break;
    case "pulumi-nodejs:dynamic/signed-hls-cdn:SigningKeyGroup":
      id = `${hex(8)}-${hex(12).slice(0, 4)}-${hex(16).slice(12, 16)}-${hex(20).slice(16, 20)}-${hex(32).slice(20, 32)}`;
      state.keyGroupId = id;
      state.initialPublicKeyId = `K${upper(13)}`;
      break;
    case "pulumi-nodejs:dynamic/signed-hls-cdn:RotationOwnedParameter":
      id = String(inputs.name);
      state.arn = `arn:aws:ssm:${String(inputs.region)}:${account}:parameter${String(inputs.name)}`;
      break;
    case "aws:cloudfront/keyGroup:KeyGroup":
    case "aws:cloudfront/cachePolicy:CachePolicy":
    case "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy":
    case "aws:cloudfront/originAccessControl:OriginAccessControl":
      id = `${hex(8)}-${hex(12).slice(0, 4)}-${hex(16).slice(12, 16)}-${hex(20).slice(16, 20)}-${hex(32).slice(20, 32)}`;
      break;
    case "aws:ssm/parameter:Parameter":
      id = String(inputs.name);
      state.arn = `arn:aws:ssm:${region}:${account}:parameter${String(inputs.name)}`;
      break;
    case "aws:iam/role:Role":
      id = physicalName;
      state.name = physicalName;
      state.arn = `arn:aws:iam::${account}:role/${physicalName}`;
      break;
    case "aws:lambda/function:Function":
      id = physicalName;
      state.name = physicalName;
      state.arn = `arn:aws:lambda:${region}:${account}:function:${physicalName}`;
      state.version = inputs.publish ? "1" : "$LATEST";
      state.qualifiedArn = `${String(state.arn)}:${String(state.version)}`;
      state.invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${String(state.arn)}/invocations`;
      break;
    case "aws:lambda/functionUrl:FunctionUrl":
      state.functionUrl = `https://${hex(32)}.lambda-url.${region}.on.aws/`;
      break;
    case "aws:s3/bucket:Bucket":
      id = `${args.name}-${hex(7)}`;
      state.bucket = id;
      state.arn = `arn:aws:s3:::${id}`;
      state.bucketRegionalDomainName = `${id}.s3.${region}.amazonaws.com`;
      break;
    case "aws:cloudfront/distribution:Distribution":
      id = `E${upper(13)}`;
      state.arn = `arn:aws:cloudfront::${account}:distribution/${id}`;
      state.domainName = `d${hex(13)}.cloudfront.net`;
      state.status = "Deployed";
      break;
    case "aws:cloudfront/function:Function":
      id = physicalName;
      state.arn = `arn:aws:cloudfront::${account}:function/${physicalName}`;
      state.status = "UNASSOCIATED";
      break;
    case "aws:cloudwatch/eventRule:EventRule":
      id = physicalName;
      state.name = physicalName;
      state.arn = `arn:aws:events:${region}:${account}:rule/${physicalName}`;
      break;
    case "aws:sns/topic:Topic":
      id = `arn:aws:sns:${region}:${account}:${physicalName}`;
      state.arn = id;
      break;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      id = physicalName;
      state.arn = `arn:aws:cloudwatch:${region}:${account}:alarm:${physicalName}`;
      break;
    case "aws:cloudwatch/dashboard:Dashboard":
      id = String(inputs.dashboardName);
      state.dashboardArn = `arn:aws:cloudwatch::${account}:dashboard/${id}`;
      break;
    default:
      break;
  }
  return { id, state };
}

export function mockCall(args: pulumi.runtime.MockCallArgs, region: string): pulumi.runtime.MockCallResult {
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/deployer`,
        userId: "AIDAMOCKDEPLOYER",
        id: MOCK_ACCOUNT_ID,
      };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
    case "aws:index/getRegion:getRegion":
      return {
        name: region,
        region,
        id: region,
        endpoint: `ec2.${region}.amazonaws.com`,
        description: region,
      };
    default:
      throw new Error(`mock: unexpected provider call ${args.token}`);
  }
}
