/** The rotation's ports over AWS: CloudFront (global), SSM and Secrets Manager in the stack's region. */
import type { AuditSink, RotationPorts } from "../ports";
import { AwsCloudFront } from "./cloudfront";
import { AwsSecretStore } from "./secrets";
import { AwsParameterStore } from "./ssm";

/** One JSON line per audit event on stdout (CloudWatch Logs in Lambda). */
export const consoleAuditSink: AuditSink = {
  write: (event) => console.log(JSON.stringify({ component: "key-rotation", ...event })),
};

export function awsRotationPorts(region: string, audit: AuditSink = consoleAuditSink): RotationPorts {
  return {
    cloudFront: new AwsCloudFront(),
    parameters: new AwsParameterStore(region),
    secrets: new AwsSecretStore(region),
    clock: { now: () => Math.floor(Date.now() / 1000) },
    audit,
  };
}

export { AwsCloudFront } from "./cloudfront";
export { AwsParameterStore } from "./ssm";
export { AwsSecretStore } from "./secrets";
export { toServiceError } from "./errors";
