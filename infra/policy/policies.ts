/**
 * Every policy of the signed-hls-cdn pack, importable without starting the
 * analyzer (index.ts does that), so tests and tools can run them directly.
 */
import type { Policies } from "@pulumi/policy";
import { edgeFunctionConstraints, manifestEdgeAssociation } from "./rules/edge";
import {
  behaviorsRequireKeyGroups,
  keyGroupLimits,
  protectedBehaviorsTrustBothGroups,
} from "./rules/key-groups";
import { ipv6WithoutIpBinding } from "./rules/ipv6";
import { leastPrivilege } from "./rules/least-privilege";
import { productionStacksHaveAlarms } from "./rules/monitoring";
import { mediaPackageOriginViaOac, s3OriginPrivateViaOac } from "./rules/origin";
import { noPrivateKeyInPlainInputs, noPrivateKeyInState } from "./rules/private-keys";
import { rotationOutlivesSignedUrls } from "./rules/rotation";
import { rotationOwnedValuesCreateOnly } from "./rules/rotation-owned";
import { httpsOnlyModernTls } from "./rules/transport";

export const POLICY_PACK_NAME = "signed-hls-cdn";

export const policies: Policies = [
  behaviorsRequireKeyGroups,
  protectedBehaviorsTrustBothGroups,
  httpsOnlyModernTls,
  manifestEdgeAssociation,
  edgeFunctionConstraints,
  noPrivateKeyInPlainInputs,
  noPrivateKeyInState,
  leastPrivilege,
  keyGroupLimits,
  s3OriginPrivateViaOac,
  mediaPackageOriginViaOac,
  rotationOutlivesSignedUrls,
  rotationOwnedValuesCreateOnly,
  productionStacksHaveAlarms,
  ipv6WithoutIpBinding,
];
