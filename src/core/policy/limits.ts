/**
 * How much one member and one server may create. A refusal names the limit and how to free a
 * slot; operators change the numbers with the LIMIT_* settings.
 */
export interface Limits {
  /** Alerts one member has in one server (query alerts, deliveries and change alerts they made). */
  alertsPerMember: number;
  /** Alerts, deliveries and change alerts of one server together. */
  alertsPerServer: number;
  /** Sources (feeds and pages) one server follows. */
  sourcesPerServer: number;
  /** Digest subscriptions of one server. */
  digestsPerServer: number;
}

export const DEFAULT_LIMITS: Limits = {
  alertsPerMember: 10,
  alertsPerServer: 50,
  sourcesPerServer: 50,
  digestsPerServer: 20,
};

export type LimitName = keyof Limits;
