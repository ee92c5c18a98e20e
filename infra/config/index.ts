/**
 * Stack configuration: one typed, validated object per stack.
 *
 * keys.ts is the table of keys (default, parser, meaning), validators.ts the
 * cross-field rules, validate.ts turns raw strings into a `StackConfig` or a
 * `StackConfigError` listing every problem; all pure, so tests need no Pulumi
 * mocks. `readStackConfig` is the thin shell that pulls the raw strings out
 * of `pulumi.Config`.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_NAME, type StackConfig } from "./types";
import { validateStackConfig } from "./validate";

export { minimumRotationIntervalSeconds } from "../../contract/rotation-window";
export { CONFIG_DEFAULTS, CONFIG_KEYS, CONFIG_KEY_TABLE, type ConfigKey, type ConfigValues } from "./keys";
export { parseDuration, parseList, rateExpression, rotationCheckSeconds } from "./parsers";
export {
  PRICE_CLASSES,
  PROJECT_NAME,
  StackConfigError,
  type OriginAccess,
  type OriginConfig,
  type PriceClass,
  type RawStackConfig,
  type StackConfig,
} from "./types";
export { validateStackConfig } from "./validate";

/** Reads this stack's `signed-hls-cdn:*` keys and `aws:region`, then validates them. */
export function readStackConfig(): StackConfig {
  const raw: Record<string, string | undefined> = { region: new pulumi.Config("aws").get("region") };
  const namespace = `${PROJECT_NAME}:`;
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (fullKey.startsWith(namespace)) raw[fullKey.slice(namespace.length)] = text;
  }
  return validateStackConfig(raw, pulumi.getStack());
}
