/**
 * The pack over the real program (tests/infra/harness.ts, mocked): both
 * stacks pass, and an unsafe change to the real resources trips each policy,
 * which proves the pack recognises the program's actual shapes and names.
 */
import assert from "node:assert/strict";
import { policies } from "../../../infra/policy/policies";
import { PRODUCTION_TAG, ROTATION_TIMING_TAGS } from "../../../infra/policy/conventions";
import { TEST_KEYS } from "./fixtures";
import { capturedStack } from "./from-harness";
import { policyNamed, runPack, runPolicy, type CapturedResource } from "./runner";

type Props = Record<string, unknown>;

function find(stack: CapturedResource[], type: string, name: string): CapturedResource {
  const found = stack.filter((resource) => resource.type === type && resource.name === name);
  if (found.length !== 1) throw new Error(`captured stack has ${found.length} ${type} named ${name}`);
  return found[0];
}

/** Applies a change to a resource's inputs and to its outputs alike (a deploy would carry it into both). */
function change(resource: CapturedResource, edit: (props: Props) => void) {
  edit(resource.inputs);
  if (resource.state) edit(resource.state);
}

function behavior(props: Props, pathPattern: string): Props {
  const found = (props.orderedCacheBehaviors as Props[]).find(
    (candidate) => candidate.pathPattern === pathPattern,
  );
  if (!found) throw new Error(`no behavior ${pathPattern}`);
  return found;
}

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const FUNCTION = "aws:lambda/function:Function";
const SIGNING_KEY_GROUP = "pulumi-nodejs:dynamic/signed-hls-cdn:SigningKeyGroup";
const ROTATION_OWNED_PARAMETER = "pulumi-nodejs:dynamic/signed-hls-cdn:RotationOwnedParameter";

interface HarnessCase {
  policy: string;
  title: string;
  mutate(stack: CapturedResource[]): void;
  expected: RegExp[];
}

const CASES: HarnessCase[] = [
  {
    policy: "behaviors-require-trusted-key-groups",
    title: "segments served without key groups",
    mutate: (stack) =>
      change(find(stack, DISTRIBUTION, "cdn"), (props) => delete behavior(props, "*.ts").trustedKeyGroups),
    expected: [/behavior "\*\.ts" trusts no key group/],
  },
  {
    policy: "protected-behaviors-trust-both-key-groups",
    title: "fMP4 segments trusting only the active group",
    mutate: (stack) =>
      change(find(stack, DISTRIBUTION, "cdn"), (props) => {
        const m4s = behavior(props, "*.m4s");
        m4s.trustedKeyGroups = (m4s.trustedKeyGroups as string[]).slice(0, 1);
      }),
    expected: [/behavior "\*\.m4s" trusts 1 key group/, /behavior "\*\.m4s" trusts a different set/],
  },
  {
    policy: "https-only-modern-tls",
    title: "HTTP allowed on the default behavior",
    mutate: (stack) =>
      change(
        find(stack, DISTRIBUTION, "cdn"),
        (props) => ((props.defaultCacheBehavior as Props).viewerProtocolPolicy = "allow-all"),
      ),
    expected: [/default behavior has viewerProtocolPolicy "allow-all"/],
  },
  {
    policy: "manifest-edge-association",
    title: "the edge function given 10 s on a viewer-request trigger",
    mutate: (stack) => change(find(stack, FUNCTION, "manifest-edge"), (props) => (props.timeout = 10)),
    expected: [/edge function "manifest-edge" has timeout 10 s; a viewer-request trigger allows at most 5 s/],
  },
  {
    policy: "edge-function-constraints",
    title: "environment variables on the edge function",
    mutate: (stack) =>
      change(
        find(stack, FUNCTION, "manifest-edge"),
        (props) => (props.environment = { variables: { STAGE: "dev" } }),
      ),
    expected: [/the edge function has environment variables/],
  },
  {
    policy: "no-private-key-in-plain-inputs",
    title: "a private key in the signer's environment",
    mutate: (stack) =>
      change(
        find(stack, FUNCTION, "signer"),
        (props) => (props.environment = { variables: { KEY: TEST_KEYS.privateKey } }),
      ),
    expected: [/input environment\.variables\.KEY contains a PEM "PRIVATE KEY" block/],
  },
  {
    policy: "no-private-key-in-state",
    title: "the first key pair returned in the dynamic resource's outputs",
    mutate: (stack) => {
      const pair = find(
        stack,
        "pulumi-nodejs:dynamic/signed-hls-cdn:InitialKeyPair",
        "signing-keys-active-initial-key-pair",
      );
      (pair.state as Props).privateKeyPem = TEST_KEYS.privateKey;
    },
    expected: [/"signing-keys-active-initial-key-pair" keeps a PEM "PRIVATE KEY" block in its state/],
  },
  {
    policy: "edge-function-constraints",
    title: "the edge role without the edgelambda principal",
    mutate: (stack) =>
      change(find(stack, "aws:iam/role:Role", "manifest-edge-role"), (props) => {
        props.assumeRolePolicy = JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: "sts:AssumeRole" },
          ],
        });
      }),
    expected: [/the edge role does not let edgelambda\.amazonaws\.com assume it/],
  },
  {
    policy: "least-privilege-iam",
    title: "the signer role allowed to write the key secrets",
    mutate: (stack) =>
      change(find(stack, "aws:iam/rolePolicy:RolePolicy", "signer-role-policy"), (props) => {
        const document = JSON.parse(props.policy as string);
        document.Statement[1].Action.push("secretsmanager:PutSecretValue");
        props.policy = JSON.stringify(document);
      }),
    expected: [
      /lets a signer role write the key store/,
      /gives the signer role "secretsmanager:PutSecretValue"/,
    ],
  },
  {
    policy: "key-group-limits",
    title: "six keys in the active group",
    mutate: (stack) => {
      // Made by the AWS provider instead, with six items.
      const group = find(stack, SIGNING_KEY_GROUP, "signing-keys-active-key-group");
      group.type = "aws:cloudfront/keyGroup:KeyGroup";
      change(group, (props) => (props.items = ["K1", "K2", "K3", "K4", "K5", "K6"]));
    },
    expected: [/key group holds 6 public keys/],
  },
  {
    policy: "mediapackage-origin-via-oac",
    title: "the origin moved to a MediaPackage v2 endpoint without its OAC",
    mutate: (stack) =>
      change(find(stack, DISTRIBUTION, "cdn"), (props) => {
        const [origin] = props.origins as Props[];
        origin.domainName = "abcd1234.egress.mediapackagev2.us-east-1.amazonaws.com";
        delete origin.originAccessControlId;
      }),
    expected: [/origin "media" is a MediaPackage v2 endpoint reached without an origin access control/],
  },
  {
    policy: "rotation-owned-values-create-only",
    title: "the active-key parameter made by the AWS provider",
    mutate: (stack) => {
      const parameter = find(stack, ROTATION_OWNED_PARAMETER, "signing-keys-active-key-id");
      parameter.type = "aws:ssm/parameter:Parameter";
      change(parameter, (props) => (props.value = props.initialValue));
    },
    expected: [/parameter "\/cloudfront-signer\/dev\/active-key-id" is written by the rotation/],
  },
  {
    policy: "s3-origin-private-via-oac",
    title: "the media bucket's public access block relaxed",
    mutate: (stack) =>
      change(
        find(
          stack,
          "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
          "cdn-media-public-access-block",
        ),
        (props) => (props.blockPublicPolicy = false),
      ),
    expected: [/leaves blockPublicPolicy off/],
  },
  {
    policy: "rotation-outlives-signed-urls",
    title: "a one-hour rotation interval with two-hour URLs",
    mutate: (stack) =>
      change(
        find(stack, FUNCTION, "rotation"),
        (props) =>
          ((props.tags as Record<string, string>)[ROTATION_TIMING_TAGS.rotationIntervalSeconds] = "3600"),
      ),
    expected: [/rotation interval 1 h is not longer than/],
  },
  {
    policy: "production-stacks-have-alarms",
    title: "the dev stack marked production, without its 4xx-rate alarm",
    mutate: (stack) => {
      change(find(stack, DISTRIBUTION, "cdn"), (props) => {
        (props.tags as Record<string, string>)[PRODUCTION_TAG] = "true";
      });
      stack.splice(
        stack.indexOf(
          find(stack, "aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-cloudfront-4xx-rate"),
        ),
        1,
      );
    },
    expected: [/production stack has no alarm on AWS\/CloudFront 4xxErrorRate/],
  },
  {
    policy: "ipv6-without-ip-binding",
    title: "IPv6 switched on by hand while the program allows IP binding",
    mutate: (stack) => change(find(stack, DISTRIBUTION, "cdn"), (props) => (props.isIpv6Enabled = true)),
    expected: [
      /signer function "signer" allows IP-bound grants \(signed-hls-cdn:ip-binding=allowed\)/,
      /edge function "manifest-edge" allows IP-bound grants \(signed-hls-cdn:ip-binding=allowed\)/,
    ],
  },
];

describe("policy pack over the mocked Pulumi program", function () {
  this.timeout(180_000);

  for (const stack of ["dev", "prod"] as const) {
    it(`finds no violation in the ${stack} stack`, async () => {
      const resources = await capturedStack(stack);
      assert.ok(resources.length > 20, `captured only ${resources.length} resources`);
      assert.deepEqual(await runPack(resources), []);
    });
  }

  it("has an unsafe change of the real dev stack for every policy", () => {
    for (const policy of policies)
      assert.ok(
        CASES.some((c) => c.policy === policy.name),
        policy.name,
      );
  });

  for (const harnessCase of CASES) {
    it(`${harnessCase.policy}: catches ${harnessCase.title}`, async () => {
      const stack = await capturedStack("dev");
      harnessCase.mutate(stack);
      const messages = (await runPolicy(policyNamed(harnessCase.policy), stack)).map(
        (violation) => violation.message,
      );
      assert.equal(messages.length, harnessCase.expected.length, messages.join("\n"));
      for (const pattern of harnessCase.expected)
        assert.ok(
          messages.some((message) => pattern.test(message)),
          `${pattern} not in:\n${messages.join("\n")}`,
        );
    });
  }
});
