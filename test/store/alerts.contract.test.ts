// The store contract for alerts, feed deliveries, digest subscriptions, change alerts (see contract-harness.ts).
import { beforeEach, expect, it } from 'vitest';
import type { AsyncStore } from '../../src/core/store/async-store.ts';
import { contractSuite, addSourceTo, type SourceOptions, FakeClock, outbox, PLAIN_ALERT, PARKED } from './contract-harness.ts';

contractSuite('alerts', (live) => {
  let kind: 'sqlite' | 'postgres';
  let store: AsyncStore;
  let clock: FakeClock;
  beforeEach(() => {
    ({ kind, store, clock } = live());
  });

  const addSource = (guildId: string, url?: string, over?: SourceOptions) => addSourceTo(store, guildId, url, over);

  it('keeps digest subscriptions and alerts per guild', async () => {
    const sub = await store.createSubscription({ guildId: 'g1', channelId: 'c1', scheduleLabel: 'daily 08:00', cron: '0 8 * * *', timezone: 'Europe/Paris', query: 'troops', sourceIds: ['seeds', 'abc1234'], maxItems: 10, createdBy: 'u1', lastWindowEnd: '2026-03-01T08:00:00.000Z' });
    expect(sub).toEqual({ id: sub.id, guildId: 'g1', channelId: 'c1', scheduleLabel: 'daily 08:00', cron: '0 8 * * *', timezone: 'Europe/Paris', query: 'troops', sourceIds: ['seeds', 'abc1234'], maxItems: 10, createdBy: 'u1', createdAt: '2026-03-01T10:00:00.000Z', lastWindowEnd: '2026-03-01T08:00:00.000Z' });
    clock.advance(1);
    const sub2 = await store.createSubscription({ ...sub, guildId: 'g2', query: null, sourceIds: [] });
    expect(await store.getSubscription(sub.id)).toEqual(sub);
    expect((await store.listSubscriptions('g1')).map((s) => s.id)).toEqual([sub.id]);
    expect((await store.listSubscriptions()).map((s) => s.id)).toEqual([sub.id, sub2.id]);
    expect((await store.getSubscription(sub2.id))!.sourceIds).toEqual([]);
    // A digest with its outlet chart on (off unless asked: absent above).
    const charted = await store.createSubscription({ ...sub2, chart: true });
    expect(await store.getSubscription(charted.id)).toMatchObject({ id: charted.id, chart: true });
    expect(await store.deleteSubscription(charted.id)).toBe(true);
    expect(await store.deleteSubscription(sub.id)).toBe(true);
    expect(await store.deleteSubscription(sub.id)).toBe(false);
    const alert = await store.createAlert({ guildId: 'g1', channelId: 'c1', query: '"human trash"', roleId: null, createdBy: 'u1', lastSeq: 7 });
    expect(alert).toEqual({
      id: alert.id, guildId: 'g1', channelId: 'c1', query: '"human trash"', roleId: null, createdBy: 'u1', createdAt: '2026-03-01T10:00:00.001Z', lastSeq: 7,
      ...PLAIN_ALERT,
    });
    expect((await store.listAlerts('g1')).map((a) => a.id)).toEqual([alert.id]);
    expect(await store.listAlerts('g2')).toEqual([]);
    expect(await store.deleteAlert(alert.id)).toBe(true);
    expect(await store.getAlert(alert.id)).toBeUndefined();
  });

  it('creates deliveries with filters, template and identity, lists them per source, and removes them with their source', async () => {
    const s = await addSource('g1');
    const t = await addSource('g1', 'https://other/feed');
    const filters = JSON.stringify({ include: ['troops'], exclude: ['sport'], minWords: 50 });
    const d1 = await store.createAlert({
      guildId: 'g1', channelId: 'c-news', query: '', roleId: 'r1', createdBy: 'u1', lastSeq: 3,
      sourceId: s.id, filters, template: '**{title}**\n{url}', identity: 'outlet', notifyChannelId: 'c-mods',
    });
    expect(d1).toEqual({
      ...PLAIN_ALERT, id: d1.id, guildId: 'g1', channelId: 'c-news', query: '', roleId: 'r1', createdBy: 'u1', createdAt: '2026-03-01T10:00:00.000Z', lastSeq: 3,
      sourceId: s.id, filters, template: '**{title}**\n{url}', identity: 'outlet', notifyChannelId: 'c-mods',
    });
    clock.advance(1000);
    const d2 = await store.createAlert({ guildId: 'g1', channelId: 'c-other', query: 'troops', roleId: null, createdBy: 'u2', lastSeq: 0, sourceId: s.id });
    expect(d2).toMatchObject({ ...PLAIN_ALERT, sourceId: s.id, query: 'troops', createdAt: '2026-03-01T10:00:01.000Z' });
    clock.advance(1000);
    const d3 = await store.createAlert({ guildId: 'g1', channelId: 'c-news', query: '', roleId: null, createdBy: 'u1', lastSeq: 0, sourceId: t.id });
    clock.advance(1000);
    const plain = await store.createAlert({ guildId: 'g1', channelId: 'c-news', query: 'troops', roleId: null, createdBy: 'u1', lastSeq: 0 });
    expect(plain).toMatchObject(PLAIN_ALERT);
    expect((await store.alertsForSource(s.id)).map((a) => a.id)).toEqual([d1.id, d2.id]);
    expect((await store.alertsForSource(t.id)).map((a) => a.id)).toEqual([d3.id]);
    expect(await store.alertsForSource('none')).toEqual([]);
    expect((await store.listAlerts('g1')).map((a) => a.id)).toEqual([d1.id, d2.id, d3.id, plain.id]);
    await store.setAlertIdentityNote(d1.id, 'no Manage Webhooks in <#c-news>: posting as the bot');
    expect((await store.getAlert(d1.id))!.identityNote).toBe('no Manage Webhooks in <#c-news>: posting as the bot');
    await store.setAlertIdentityNote(d1.id, null);
    expect(await store.getAlert(d1.id)).toEqual(d1);
    // Removing a source removes its deliveries, not other sources' nor plain alerts.
    await store.deleteSource(s.id);
    expect(await store.getAlert(d1.id)).toBeUndefined();
    expect(await store.getAlert(d2.id)).toBeUndefined();
    expect((await store.listAlerts()).map((a) => a.id)).toEqual([d3.id, plain.id]);
  });

  it("counts a delivery's posts, skips and failures, and keeps or clears its last error as asked", async () => {
    const s = await addSource('g1');
    const d = await store.createAlert({ guildId: 'g1', channelId: 'c1', query: '', roleId: null, createdBy: 'u1', lastSeq: 0, sourceId: s.id });
    await store.countAlert(d.id, 'delivered', 1, { deliveredAt: '2026-03-01T10:01:00.000Z' });
    await store.countAlert(d.id, 'delivered', 2, { deliveredAt: '2026-03-01T10:02:00.000Z' });
    expect(await store.getAlert(d.id)).toMatchObject({ delivered: 3, skipped: 0, failed: 0, lastError: null, lastDeliveredAt: '2026-03-01T10:02:00.000Z' });
    await store.countAlert(d.id, 'failed', 1, { lastError: 'Missing Permissions (50013)' });
    await store.countAlert(d.id, 'skipped', 4);
    expect(await store.getAlert(d.id)).toMatchObject({ delivered: 3, skipped: 4, failed: 1, lastError: 'Missing Permissions (50013)', lastDeliveredAt: '2026-03-01T10:02:00.000Z' });
    await store.countAlert(d.id, 'delivered', 1, { lastError: null });
    expect(await store.getAlert(d.id)).toMatchObject({ delivered: 4, skipped: 4, failed: 1, lastError: null, lastDeliveredAt: '2026-03-01T10:02:00.000Z' });
    await store.countAlert('missing', 'delivered', 1);
    expect(await store.getAlert('missing')).toBeUndefined();
  });

  it("pauses a delivery parking its pending posts, and resumes it with parked and failed posts due now", async () => {
    const s = await addSource('g1');
    const d = await store.createAlert({ guildId: 'g1', channelId: 'c9', query: '', roleId: null, createdBy: 'u1', lastSeq: 0, sourceId: s.id });
    const e = await store.createAlert({ guildId: 'g1', channelId: 'c9', query: '', roleId: null, createdBy: 'u1', lastSeq: 0, sourceId: s.id });
    const delivery = (alertId: string, windowKey: string) => outbox({ kind: 'delivery', refId: alertId, windowKey, channelId: 'c9' });
    const [r1, r2] = await store.enqueueAlerts(d.id, 4, [delivery(d.id, 'a1'), delivery(d.id, 'a2')]);
    const r3 = await store.enqueueOutbox(delivery(e.id, 'a1'));
    const posted = await store.enqueueOutbox(delivery(d.id, 'a0'));
    await store.markPosted(posted.id, 'm-0');
    await store.markAttemptFailed(r2!.id, 'Unknown Channel (10003)', null);
    expect(await store.pendingPostsForChannel('c9')).toBe(2);
    expect(await store.pendingPostsForChannel('c-none')).toBe(0);

    clock.advance(60_000);
    expect(await store.pauseAlert(d.id, 'channel gone', 'Unknown Channel (10003)')).toBe(true);
    expect(await store.getAlert(d.id)).toMatchObject({ status: 'paused', pausedReason: 'channel gone', lastError: 'Unknown Channel (10003)', lastSeq: 4 });
    expect(await store.getOutbox(r1!.id)).toMatchObject({ status: 'pending', nextAttemptAt: PARKED, attempts: 0 });
    expect(await store.getOutbox(r2!.id)).toMatchObject({ status: 'failed', nextAttemptAt: '2026-03-01T10:00:00.000Z' });
    expect(await store.getOutbox(posted.id)).toMatchObject({ status: 'posted', nextAttemptAt: '2026-03-01T10:00:00.000Z' });
    expect((await store.pendingOutbox(clock.now(), 10)).map((r) => r.id)).toEqual([r3.id]);
    expect(await store.pendingPostsForChannel('c9')).toBe(1);
    // Already paused: nothing changes, and a null error keeps the recorded one.
    expect(await store.pauseAlert(d.id, 'again', null)).toBe(false);
    expect(await store.getAlert(d.id)).toMatchObject({ status: 'paused', pausedReason: 'channel gone', lastError: 'Unknown Channel (10003)' });
    expect(await store.getAlert(e.id)).toMatchObject({ status: 'active' });

    clock.advance(60_000);
    await store.resumeAlert(d.id);
    expect(await store.getAlert(d.id)).toMatchObject({ status: 'active', pausedReason: null, lastError: 'Unknown Channel (10003)' });
    expect(await store.getOutbox(r1!.id)).toMatchObject({ status: 'pending', nextAttemptAt: '2026-03-01T10:02:00.000Z', attempts: 0 });
    expect(await store.getOutbox(r2!.id)).toMatchObject({ status: 'pending', nextAttemptAt: '2026-03-01T10:02:00.000Z', attempts: 0, lastError: 'Unknown Channel (10003)' });
    expect(await store.getOutbox(posted.id)).toMatchObject({ status: 'posted', attempts: 1, nextAttemptAt: '2026-03-01T10:00:00.000Z' });
    expect((await store.pendingOutbox(clock.now(), 10)).map((r) => r.id)).toEqual([r1!.id, r2!.id, r3.id]);
    expect(await store.pendingPostsForChannel('c9')).toBe(3);
    // A pause with no error recorded yet keeps lastError as it is (here: the old one).
    expect(await store.pauseAlert(d.id, 'webhook deleted', null)).toBe(true);
    expect(await store.getAlert(d.id)).toMatchObject({ status: 'paused', pausedReason: 'webhook deleted', lastError: 'Unknown Channel (10003)' });
  });

  it('keeps change alerts per guild, files their posts once and only raises their watermark', async () => {
    const c1 = await store.createChangeAlert({ guildId: 'g1', channelId: 'ch1', createdBy: 'u1', lastVersionId: 0 });
    clock.advance(1000);
    const c2 = await store.createChangeAlert({ guildId: 'g2', channelId: 'ch2', createdBy: 'u2', lastVersionId: 4 });
    expect(c1).toEqual({ id: c1.id, guildId: 'g1', channelId: 'ch1', createdBy: 'u1', createdAt: '2026-03-01T10:00:00.000Z', lastVersionId: 0 });
    expect((await store.listChangeAlerts('g2')).map((c) => c.id)).toEqual([c2.id]);
    expect((await store.listChangeAlerts()).map((c) => c.id)).toEqual([c1.id, c2.id]);
    const rows = [outbox({ kind: 'alert', refId: c1.id, windowKey: 'v1' }), outbox({ kind: 'alert', refId: c1.id, windowKey: 'v2' })];
    const first = await store.enqueueChangeAlerts(c1.id, 7, rows);
    const again = await store.enqueueChangeAlerts(c1.id, 3, rows);
    expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect((await store.listChangeAlerts('g1'))[0]!.lastVersionId).toBe(7);
    expect(await store.deleteChangeAlert(c1.id)).toBe(true);
    expect(await store.deleteChangeAlert(c1.id)).toBe(false);
  });
});
