/**
 * Waiting for a distribution to deploy. GetDistribution reports `Status`
 * `InProgress` until every edge location runs the current configuration,
 * then `Deployed`
 * (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistribution.html,
 * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Distribution.html):
 * until then some edges may still trust a key group's previous keys.
 */
import type { RotationPorts } from "./ports";

export interface DeploymentWait {
  /** Give up after this long (seconds); the status is then reported as it stands. */
  readonly timeoutSeconds: number;
  /** Seconds between GetDistribution calls. Default 20. */
  readonly pollSeconds?: number;
  /** Sleeps (seconds); default a timer. Tests advance a fake clock instead. */
  readonly sleep?: (seconds: number) => Promise<void>;
}

export interface DeploymentStatus {
  readonly distributionId: string;
  readonly status: string;
  readonly deployed: boolean;
  /** Seconds spent polling (0 without a wait). */
  readonly waitedSeconds: number;
}

const timerSleep = (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000));

/** The distribution's status now, or once it is Deployed (or the wait times out). */
export async function distributionDeployment(
  ports: Pick<RotationPorts, "cloudFront" | "clock">,
  distributionId: string,
  wait?: DeploymentWait,
): Promise<DeploymentStatus> {
  const start = ports.clock.now();
  const sleep = wait?.sleep ?? timerSleep;
  for (;;) {
    const { status } = await ports.cloudFront.getDistribution(distributionId);
    const waitedSeconds = ports.clock.now() - start;
    if (status === "Deployed" || !wait || waitedSeconds >= wait.timeoutSeconds) {
      return { distributionId, status, deployed: status === "Deployed", waitedSeconds };
    }
    await sleep(Math.max(1, Math.min(wait.pollSeconds ?? 20, wait.timeoutSeconds - waitedSeconds)));
  }
}
