/**
 * Names of the SSM parameters under a stack's prefix (e.g. `/cloudfront-signer/dev`):
 * the active key's id, the ARN of the secret holding its private key, and the
 * rotation state. One source for infra (which creates them and grants reads),
 * the handlers and rotation (which read and write them), the policy pack and
 * the CLI (which finds a stack's prefix from its app config).
 */
export function parameterNames(prefix: string) {
  const base = prefix.replace(/\/+$/, "");
  return {
    activeKeyId: `${base}/active-key-id`,
    activeSecretArn: `${base}/active-secret-arn`,
    rotationState: `${base}/rotation-state`,
  } as const;
}

/** The stack's prefix from the name of its active-key parameter; undefined for any other name. */
export function parameterPrefixOf(activeKeyIdName: string): string | undefined {
  const suffix = parameterNames("").activeKeyId;
  return activeKeyIdName.endsWith(suffix) ? activeKeyIdName.slice(0, -suffix.length) : undefined;
}
