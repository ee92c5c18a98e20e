/**
 * The rotation's view of the world. The state machine only talks to these
 * interfaces; functions/rotation/aws implements them over the AWS SDK and
 * local/memory-cloud over an in-memory model. Times are epoch seconds.
 */

export interface KeyGroupView {
  readonly id: string;
  readonly name: string;
  readonly items: readonly string[];
  readonly comment?: string;
  readonly etag: string;
}

export interface PublicKeyView {
  readonly id: string;
  readonly name: string;
  readonly encodedKey: string;
  readonly callerReference?: string;
  readonly etag?: string;
}

export interface PublicKeySummary {
  readonly id: string;
  readonly name: string;
  /** Epoch seconds. */
  readonly createdAt?: number;
}

export interface DistributionView {
  readonly id: string;
  /** `Deployed` once every edge has the current configuration, `InProgress` before. */
  readonly status: string;
  /** Trusted key group ids per cache behavior, default behavior included. */
  readonly behaviors: readonly {
    readonly pathPattern: string;
    readonly trustedKeyGroupIds: readonly string[];
  }[];
}

export interface CloudFrontPort {
  getKeyGroup(id: string): Promise<KeyGroupView>;
  /** Replaces the whole key group config; `ifMatch` is the ETag from getKeyGroup. */
  updateKeyGroup(
    id: string,
    config: { name: string; items: readonly string[]; comment?: string },
    ifMatch: string,
  ): Promise<{ etag: string }>;
  /** Throws ServiceError("public-key-exists") if callerReference or name was used before. */
  createPublicKey(input: {
    callerReference: string;
    name: string;
    encodedKey: string;
    comment?: string;
  }): Promise<{ id: string }>;
  /** undefined when no key has that id. */
  getPublicKey(id: string): Promise<PublicKeyView | undefined>;
  /** Finds a key by its (unique) name; undefined when none. */
  findPublicKeyByName(name: string): Promise<PublicKeyView | undefined>;
  /** Every public key of the account (all pages): ids and names. */
  listPublicKeys(): Promise<readonly PublicKeySummary[]>;
  /** Throws ServiceError("public-key-in-use") while a key group holds it, "not-found" when gone. */
  deletePublicKey(id: string, ifMatch: string): Promise<void>;
  getDistribution(id: string): Promise<DistributionView>;
}

export interface StoredParameter {
  readonly value: string;
  /** Increases by one on every write. */
  readonly version: number;
  readonly lastModified: number;
}

export interface ParameterStorePort {
  /** One round trip; names that do not exist are absent from the map. */
  getParameters(names: readonly string[]): Promise<Map<string, StoredParameter>>;
  /** Returns the version written. Without overwrite, an existing name throws ServiceError("parameter-exists"). */
  putParameter(name: string, value: string, options: { overwrite: boolean }): Promise<{ version: number }>;
}

export interface SecretStorePort {
  /**
   * Writes a new AWSCURRENT version. Retrying with the same token and value is
   * a no-op; the same token with another value throws ServiceError("invalid").
   */
  putSecretValue(secretId: string, value: string, clientRequestToken: string): Promise<{ versionId: string }>;
  /** A version by id, or the current one; undefined when that version (or secret) does not exist. */
  getSecretValue(
    secretId: string,
    versionId?: string,
  ): Promise<{ value: string; versionId: string } | undefined>;
}

export interface Clock {
  /** Epoch seconds (whole). */
  now(): number;
}

/** One structured audit event per step: ids and times, never key material. */
export interface AuditEvent {
  readonly type: "rotation" | "revocation";
  readonly at: number;
  readonly rotationId?: string;
  readonly step: string;
  readonly outcome: "done" | "skipped" | "waiting" | "refused" | "failed" | "planned";
  readonly message: string;
  readonly keyIds?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly dryRun?: boolean;
}

export interface AuditSink {
  write(event: AuditEvent): void | Promise<void>;
}

/** Everything a rotation run needs. */
export interface RotationPorts {
  readonly cloudFront: CloudFrontPort;
  readonly parameters: ParameterStorePort;
  readonly secrets: SecretStorePort;
  readonly clock: Clock;
  readonly audit: AuditSink;
}
