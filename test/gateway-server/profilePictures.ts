/**
 * Profile pictures the loopback gateways know, per test server: chat id (canonical, `@s.whatsapp.net`)
 * → picture URL. A chat without an entry has no picture (or hides it). Tests point the URLs at a
 * loopback server standing in for WhatsApp's picture CDN.
 */
import type { GatewayState } from './GatewayTestServer';

const pictures = new WeakMap<GatewayState, Map<string, string>>();

export function profilePicturesOf(state: GatewayState): Map<string, string> {
	let map = pictures.get(state);
	if (!map) pictures.set(state, (map = new Map()));
	return map;
}

/** The picture URL of a chat given in either notation (`@c.us` or `@s.whatsapp.net`), or null. */
export function pictureOf(state: GatewayState, chatId: string): string | null {
	return profilePicturesOf(state).get(chatId.replace(/@c\.us$/, '@s.whatsapp.net')) ?? null;
}
