/**
 * IAM policy documents as the policies see them: a JSON string or an object
 * (aws.iam.PolicyDocument), statements normalised to arrays.
 */
import { asArray, isRecord } from "./resources";

export interface Statement {
  sid?: string;
  effect: "Allow" | "Deny";
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  principal: unknown;
  condition: Record<string, unknown> | undefined;
}

/** Parses a policy document; throws with a clear message on text that is not one. */
export function parsePolicyDocument(document: unknown): Statement[] {
  const parsed = typeof document === "string" ? parseJson(document) : document;
  if (!isRecord(parsed)) throw new Error("IAM policy document is not a JSON object");
  return asArray(parsed.Statement as unknown).map((raw, index) => {
    if (!isRecord(raw)) throw new Error(`IAM policy statement ${index} is not an object`);
    const strings = (value: unknown) => asArray(value as string | string[]).map(String);
    return {
      sid: typeof raw.Sid === "string" ? raw.Sid : undefined,
      effect: raw.Effect === "Deny" ? "Deny" : "Allow",
      actions: strings(raw.Action),
      notActions: strings(raw.NotAction),
      resources: strings(raw.Resource),
      notResources: strings(raw.NotResource),
      principal: raw.Principal,
      condition: isRecord(raw.Condition) ? raw.Condition : undefined,
    };
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error("IAM policy document is not valid JSON");
  }
}

/** Whether an IAM action pattern (`svc:Get*`, `*`) covers a concrete action, case-insensitively as IAM does. */
export function actionCovers(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return regex.test(action);
}

/** `ssm:GetParameter` -> `ssm`. */
export function serviceOf(action: string): string {
  return action.split(":")[0].toLowerCase();
}

export function describeStatement(statement: Statement, index: number): string {
  return statement.sid ? `statement "${statement.sid}"` : `statement ${index}`;
}
