// The pack's entry point: `pulumi preview --policy-pack infra/policy` runs this
// file, which starts the analyzer's gRPC server. Policies live in policies.ts.
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
  policies,
  enforcementLevel: "mandatory",
  description:
    "Guards signed-hls-cdn stacks: signed access on every behavior, TLS, the edge function, key secrecy, least privilege, a private origin and safe rotation.",
});
