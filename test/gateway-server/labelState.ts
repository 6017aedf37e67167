/** The WhatsApp Business labels the loopback gateways know (WAHA and Evolution share the shape), one set per test server. */
import type { GatewayState } from './GatewayTestServer';

export interface GatewayLabel {
	id: string;
	name: string;
	color: number;
	colorHex: string;
}

export interface LabelState {
	labels: GatewayLabel[];
	/** Label ids per chat, keyed by the chat id as the gateway writes it (WAHA `@c.us`, Evolution `@s.whatsapp.net`). */
	chatLabels: Map<string, string[]>;
}

/** WhatsApp Business's five labels of a new account. */
export function defaultLabels(): GatewayLabel[] {
	return [
		{ id: '1', name: 'New customer', color: 1, colorHex: '#64c4ff' },
		{ id: '2', name: 'New order', color: 2, colorHex: '#ffd429' },
		{ id: '3', name: 'Pending payment', color: 0, colorHex: '#ff9485' },
		{ id: '4', name: 'Paid', color: 5, colorHex: '#55ccb3' },
		{ id: '5', name: 'Order complete', color: 7, colorHex: '#d3a91d' },
	];
}

const states = new WeakMap<GatewayState, LabelState>();

/** The labels part of a test server's state; tests may change it (`resetLabels` starts over). */
export function labelStateOf(state: GatewayState): LabelState {
	let labels = states.get(state);
	if (!labels) {
		labels = { labels: defaultLabels(), chatLabels: new Map() };
		states.set(state, labels);
	}
	return labels;
}

export function resetLabels(state: GatewayState): LabelState {
	states.delete(state);
	return labelStateOf(state);
}
