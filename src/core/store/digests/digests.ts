import type { SubscriptionRow } from '../types.ts';

/**
 * Digest subscriptions.
 */
export interface DigestsStore {
  createSubscription(s: Omit<SubscriptionRow, 'id' | 'createdAt'>): Promise<SubscriptionRow>;
  getSubscription(id: string): Promise<SubscriptionRow | undefined>;
  listSubscriptions(guildId?: string): Promise<SubscriptionRow[]>;
  deleteSubscription(id: string): Promise<boolean>;
}
