/**
 * The trigger's de-duplication memory: keys leave when their window is over and never to make
 * room, so no number of other events lets a repeat through; its size has a hard bound, past which
 * webhook deliveries are refused (503, the gateway retries) instead of remembered.
 */
import type { ChatEvent } from '../../nodes/backends/ChatEvent';
import { MAX_REMEMBERED_KEYS, RecentEvents, RecentEventsFullError, recentEventsOf, rememberedTriggerCount } from '../../nodes/WhatsAppChatsTrigger/recentEvents';

const WINDOW_MS = 10 * 60 * 1000;
const T0 = 1_700_000_000_000;

const event = (key: string): ChatEvent => ({ event: 'message', session: 'default', chatId: '1@c.us', timestamp: 1, data: {}, raw: {}, dedupeKey: key });
const keys = (events: ChatEvent[]) => events.map((e) => e.dedupeKey);

test('a repeat within the window is dropped however many other events came in between; after the window it passes', () => {
	const recent = new RecentEvents(WINDOW_MS);
	expect(keys(recent.keepNew([event('A')], { nowMs: T0 }))).toEqual(['A']);
	for (let index = 0; index < 20_000; index++) recent.keepNew([event(`other-${index}`)], { nowMs: T0 + index });
	expect(recent.keepNew([event('A')], { nowMs: T0 + WINDOW_MS - 1 })).toEqual([]);
	expect(keys(recent.keepNew([event('A')], { nowMs: T0 + WINDOW_MS + 20_000 }))).toEqual(['A']);
});

test('memory is bounded by the window: what is older is forgotten', () => {
	const recent = new RecentEvents(WINDOW_MS);
	for (let index = 0; index < 5_000; index++) recent.keepNew([event(`k${index}`)], { nowMs: T0 + index });
	expect(recent.size).toBe(5_000);
	recent.keepNew([event('late')], { nowMs: T0 + WINDOW_MS + 2_500 });
	expect(recent.size).toBe(2_501);
	recent.keepNew([], { nowMs: T0 + 2 * WINDOW_MS + 5_000 });
	expect(recent.size).toBe(0);
});

test('long keys cost what short ones do', () => {
	const recent = new RecentEvents(WINDOW_MS, 10);
	const long = 'x'.repeat(1_000_000);
	expect(recent.keepNew([event(long)], { nowMs: T0 })).toHaveLength(1);
	expect(recent.keepNew([event(long)], { nowMs: T0 })).toEqual([]);
	expect(recent.size).toBe(1);
});

test('at the hard size, webhooks are refused rather than letting an older key go; embedded events pass unremembered', () => {
	expect(MAX_REMEMBERED_KEYS).toBe(100_000);
	const recent = new RecentEvents(WINDOW_MS, 3);
	recent.keepNew([event('A'), event('B'), event('C')], { nowMs: T0 });
	expect(() => recent.keepNew([event('D')], { nowMs: T0 + 1, refuseWhenFull: true })).toThrow(RecentEventsFullError);
	expect(() => recent.keepNew([event('D')], { nowMs: T0 + 1, refuseWhenFull: true })).toThrow(
		'Too many different events within the de-duplication window (3 in 600 s); send again later, or shorten the De-Duplication Window',
	);
	try {
		recent.keepNew([event('D')], { nowMs: T0 + 1, refuseWhenFull: true });
	} catch (error) {
		expect((error as RecentEventsFullError).status).toBe(503);
	}
	// Repeats are still recognised while full.
	expect(recent.keepNew([event('A')], { nowMs: T0 + 2, refuseWhenFull: true })).toEqual([]);
	expect(keys(recent.keepNew([event('D')], { nowMs: T0 + 3 }))).toEqual(['D']);
	expect(recent.size).toBe(3);
	// Room again once the window is over.
	expect(keys(recent.keepNew([event('D')], { nowMs: T0 + WINDOW_MS + 1, refuseWhenFull: true }))).toEqual(['D']);
});

test('a delivery id seen before drops the whole delivery; repeats inside one delivery count once', () => {
	const recent = new RecentEvents(WINDOW_MS);
	expect(keys(recent.keepNew([event('A'), event('A'), event('B')], { nowMs: T0, deliveryId: 'evt_1' }))).toEqual(['A', 'B']);
	expect(recent.keepNew([event('C')], { nowMs: T0, deliveryId: 'evt_1' })).toEqual([]);
	expect(keys(recent.keepNew([event('C')], { nowMs: T0, deliveryId: 'evt_2' }))).toEqual(['C']);
});

test('a window of 0 remembers nothing', () => {
	const recent = new RecentEvents(0);
	expect(recent.keepNew([event('A')], { nowMs: T0 })).toHaveLength(1);
	expect(recent.keepNew([event('A')], { nowMs: T0 })).toHaveLength(1);
	expect(recent.size).toBe(0);
});

test('memories of triggers that get no more calls are dropped once their window is over', () => {
	const now = Date.now() + 24 * 60 * 60 * 1000;
	for (let index = 0; index < 50; index++) recentEventsOf(`wf-gone-${index}`, 'node', WINDOW_MS, now).keepNew([event('A')], { nowMs: now });
	const live = recentEventsOf('wf-live', 'node', WINDOW_MS, now);
	expect(rememberedTriggerCount()).toBeGreaterThanOrEqual(51);
	live.keepNew([event('B')], { nowMs: now + WINDOW_MS });
	recentEventsOf('wf-live', 'node', WINDOW_MS, now + WINDOW_MS + 1);
	expect(rememberedTriggerCount()).toBe(1);
	expect(recentEventsOf('wf-live', 'node', WINDOW_MS, now + WINDOW_MS + 2)).toBe(live);
	expect(live.keepNew([event('B')], { nowMs: now + WINDOW_MS + 2 })).toEqual([]);
});
