/**
 * SSM Parameter Store in the in-memory cloud (the model of
 * functions/rotation/aws/ssm.ts): versions, Overwrite, the value length limit.
 */
import type { KeySourcePort } from "../../functions/keys/ports";
import { ServiceError } from "../../functions/rotation/errors";
import type { ParameterStorePort, StoredParameter } from "../../functions/rotation/ports";
import type { ModelStore } from "./store";

export function memoryParameterStore(store: ModelStore): ParameterStorePort {
  return {
    getParameters: (names) => store.call("GetParameters", false, () => readParameters(store, names)),
    putParameter: (name, value, options) =>
      store.call("PutParameter", false, () => {
        if (value.length === 0 || value.length > 4096)
          throw new ServiceError(
            "invalid",
            `parameter value must be 1-4096 characters`,
            "ValidationException",
          );
        const history = store.data.parameters[name];
        if (history && !options.overwrite)
          throw new ServiceError(
            "parameter-exists",
            `parameter ${name} already exists`,
            "ParameterAlreadyExists",
          );
        const version = (history?.[history.length - 1]?.version ?? 0) + 1;
        const entry = { value, version, lastModified: store.clock.now() };
        // SSM keeps 100 versions; the model keeps the last 20.
        store.data.parameters[name] = [...(history ?? []), entry].slice(-20);
        store.save();
        return { version };
      }),
  };
}

/** The signers' GetParameters, counted as `keySource:GetParameters`. */
export function signerParameterReader(store: ModelStore): KeySourcePort["readParameters"] {
  return (names) =>
    store.call("GetParameters", true, () => {
      const values = new Map<string, string>();
      for (const [name, parameter] of readParameters(store, names)) values.set(name, parameter.value);
      return values;
    });
}

/** The latest version of each named parameter that exists. */
export function readParameters(store: ModelStore, names: readonly string[]): Map<string, StoredParameter> {
  const found = new Map<string, StoredParameter>();
  for (const name of names) {
    const history = store.data.parameters[name];
    const latest = history?.[history.length - 1];
    if (latest) found.set(name, { ...latest });
  }
  return found;
}

/** Creates a parameter at version 1, as Pulumi would (not counted, no faults). */
export function insertParameter(store: ModelStore, name: string, value: string, now: number): void {
  store.data.parameters[name] = [{ value, version: 1, lastModified: now }];
}
