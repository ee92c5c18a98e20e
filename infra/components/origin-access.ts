/**
 * How an HTTPS origin tells CloudFront's requests from anyone else's, so no
 * one fetches media around the signatures.
 *
 * MediaPackage v2 denies every request its endpoint policy does not allow.
 * CloudFront signs its requests through an Origin Access Control of type
 * `mediapackagev2`, and the endpoint policy allows `cloudfront.amazonaws.com`
 * only on behalf of this distribution (`AWS:SourceArn`):
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-mediapackage.html
 * @pulumi/aws (7.48) has no MediaPackage v2 endpoint policy resource and the
 * endpoint usually lives in another stack, so the program outputs the policy
 * text (`originEndpointPolicy`) for `aws mediapackagev2 put-origin-endpoint-policy`.
 *
 * Any other HTTPS origin may ask for a secret header that CloudFront adds to
 * every origin request and the origin requires:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html
 * The value is a Pulumi secret (random, never in program text or logs).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { OriginAccess } from "../config";

export interface HttpsOriginAccess {
  readonly originAccessControlId?: pulumi.Output<string>;
  readonly customHeaders?: { name: string; value: pulumi.Output<string> }[];
  /** The secret header's value (a secret Output), for the origin's configuration. */
  readonly secretHeaderValue?: pulumi.Output<string>;
}

/** The resources an HTTPS origin's access rule needs, created under `parent`. */
export function httpsOriginAccess(
  name: string,
  stack: string,
  access: OriginAccess,
  parent: pulumi.Resource,
): HttpsOriginAccess {
  if (access.kind === "mediapackagev2") {
    const control = new aws.cloudfront.OriginAccessControl(
      `${name}-mediapackage-oac`,
      {
        name: `signed-hls-cdn-${stack}-mediapackagev2`.slice(0, 64),
        description: `CloudFront access to the MediaPackage v2 endpoint of stack ${stack}`,
        originAccessControlOriginType: "mediapackagev2",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      },
      { parent },
    );
    return { originAccessControlId: control.id };
  }
  if (access.kind === "secret-header") {
    const secret = new random.RandomPassword(
      `${name}-origin-secret`,
      { length: 48, special: false },
      { parent },
    );
    return {
      customHeaders: [{ name: access.headerName, value: secret.result }],
      secretHeaderValue: secret.result,
    };
  }
  return {};
}

/** The documented endpoint policy: CloudFront may read the endpoint only on behalf of this distribution. */
export function mediaPackageEndpointPolicy(
  endpointArn: string,
  distributionArn: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowCloudFrontServicePrincipal",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "mediapackagev2:GetObject",
        Resource: endpointArn,
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
      },
    ],
  });
}
