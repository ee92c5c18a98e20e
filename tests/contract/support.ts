/** The smallest rotation config the rotation resolver accepts: everything else takes its default. */
import type { RotationConfig } from "../../functions/rotation/config";

export const MINIMAL_ROTATION: RotationConfig = {
  parameterPrefix: "/cloudfront-signer/dev",
  distributionId: "E2QWRUHEXAMPLE",
  slots: [
    { keyGroupId: "KGA", secretArn: "arn:a" },
    { keyGroupId: "KGB", secretArn: "arn:b" },
  ],
  maxUrlLifetimeSeconds: 3600,
};
