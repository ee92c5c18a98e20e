/**
 * IPv6 and IP-bound grants do not mix: CloudFront compares a policy's `IpAddress` with the address
 * the viewer connects from, and on an IPv6-enabled distribution dual-stack viewers connect over IPv6
 * (DistributionConfig `IsIPV6Enabled`: https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { IP_BINDING_TAG, type Component } from "../conventions";
import { T, componentOf, componentPatterns, knownOr, tagsOf, type ResourceView } from "../resources";
import { COMPONENT_PATTERNS_SCHEMA, configWithDefaults } from "../support";

interface Ipv6Config {
  componentPatterns?: Partial<Record<Component, string>>;
}

export const ipv6WithoutIpBinding: StackValidationPolicy = {
  name: "ipv6-without-ip-binding",
  description:
    "AWS advises against enabling IPv6 on a distribution whose signed URLs or cookies carry a custom policy with IpAddress: " +
    "dual-stack viewers arrive over IPv6 and get 403 for an IPv4 binding. So while a distribution has isIpv6Enabled true, " +
    `every signer and manifest edge function must refuse IP binding (tag ${IP_BINDING_TAG}=refused; a function without the ` +
    "tag counts as allowing it). " +
    "Fix: set the stack config ipv6Enabled false (the default), or sign without ipAddress and deploy with ipv6Enabled true, " +
    `which tags both functions ${IP_BINDING_TAG}=refused.`,
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      componentPatterns: COMPONENT_PATTERNS_SCHEMA,
    },
  },
  validateStack: (args, reportViolation) => {
    const patterns = componentPatterns(configWithDefaults<Ipv6Config>(args, {}));
    const resources = args.resources as ResourceView[];
    // An unknown value during preview counts as enabled: the check must not pass on what it cannot see.
    const ipv6 = resources.filter(
      (resource) =>
        resource.type === T.distribution && knownOr(() => resource.props.isIpv6Enabled, true) === true,
    );
    if (ipv6.length === 0) return;
    for (const resource of resources) {
      if (resource.type !== T.lambdaFunction) continue;
      const component = componentOf(resource, patterns);
      if (component !== "signer" && component !== "edge") continue;
      const binding = tagsOf(resource.props)[IP_BINDING_TAG];
      if (binding === "refused") continue;
      reportViolation(
        `${component} function "${resource.name}" allows IP-bound grants (${IP_BINDING_TAG}=${binding ?? "(not set)"}) ` +
          `while distribution "${ipv6[0].name}" has isIpv6Enabled true: dual-stack viewers arrive over IPv6 and get 403.`,
        resource.urn,
      );
    }
  },
};
