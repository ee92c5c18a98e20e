/**
 * Signed URLs and cookies are bearer credentials: they must only travel over
 * modern TLS, between viewer and CloudFront and between CloudFront and origin.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T, isRecord, knownItems, knownOr } from "../resources";
import { cacheBehaviors, configWithDefaults, isExempt, schemaWithExemptions } from "../support";

/** CloudFront security policies with TLS 1.2 as the floor and only modern ciphers. */
export const MODERN_MINIMUM_PROTOCOL_VERSIONS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

interface TransportConfig {
  exemptResources: string[];
  allowedMinimumProtocolVersions: string[];
}

export const httpsOnlyModernTls: ResourceValidationPolicy = {
  name: "https-only-modern-tls",
  description:
    "Signed URLs and cookies grant access to whoever holds them, so they must never cross the network in clear text: every " +
    "behavior's viewerProtocolPolicy must be https-only (redirect-to-https still sends the first request, signature included, " +
    "over HTTP), a custom certificate needs a modern minimumProtocolVersion (TLSv1.2_2021 or newer), and custom origins are " +
    'reached with https-only. Fix: set viewerProtocolPolicy: "https-only" on every behavior, ' +
    'viewerCertificate.minimumProtocolVersion: "TLSv1.2_2021", and customOriginConfig.originProtocolPolicy: "https-only".',
  enforcementLevel: "mandatory",
  configSchema: schemaWithExemptions({
    allowedMinimumProtocolVersions: {
      type: "array",
      items: { type: "string" },
      default: MODERN_MINIMUM_PROTOCOL_VERSIONS,
      description: "CloudFront security policies accepted with a custom certificate.",
    },
  }),
  validateResource: (args, reportViolation) => {
    if (args.type !== T.distribution) return;
    const config = configWithDefaults<TransportConfig>(args, {
      exemptResources: [],
      allowedMinimumProtocolVersions: MODERN_MINIMUM_PROTOCOL_VERSIONS,
    });
    if (isExempt(args, config)) return;
    for (const behavior of cacheBehaviors(args.props)) {
      const policy = behavior.props.viewerProtocolPolicy;
      if (policy !== "https-only") {
        reportViolation(
          `${behavior.label} has viewerProtocolPolicy "${String(policy)}"; it must be "https-only".`,
        );
      }
    }
    const certificate = args.props.viewerCertificate;
    if (isRecord(certificate)) {
      // An ARN computed from a certificate created in the same run is unknown during preview: still custom.
      const present = (key: string) => {
        const value = knownOr(() => certificate[key], "(unknown)");
        return value !== undefined && value !== null && value !== "";
      };
      if (present("acmCertificateArn") || present("iamCertificateId")) {
        const version = certificate.minimumProtocolVersion;
        if (typeof version !== "string" || !config.allowedMinimumProtocolVersions.includes(version)) {
          reportViolation(
            `viewerCertificate uses a custom certificate with minimumProtocolVersion "${String(version)}"; ` +
              `use one of ${config.allowedMinimumProtocolVersions.join(", ")}.`,
          );
        }
      }
    }
    for (const origin of knownItems(args.props.origins)) {
      if (!isRecord(origin) || !isRecord(origin.customOriginConfig)) continue;
      const protocol = origin.customOriginConfig.originProtocolPolicy;
      if (protocol !== "https-only") {
        reportViolation(
          `origin "${String(knownOr(() => origin.originId, "?"))}" uses originProtocolPolicy "${String(protocol)}"; it must be "https-only".`,
        );
      }
    }
  },
};
