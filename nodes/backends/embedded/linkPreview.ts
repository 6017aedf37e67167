/**
 * Link previews for texts sent on the embedded connection. Baileys makes them only through an
 * optional package (link-preview-js, not installed) and with its own unbounded retries, so the
 * preview is made here: the first http(s) link of the text is fetched with a hard time limit and
 * a size cap, its title and description read, and the text is sent without a preview when that
 * fails (no network, no answer in time, not HTML). Addresses of this host or its private networks
 * are not fetched (a text could otherwise make n8n read an internal page and send its title).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { WAUrlInfo } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };

/** Longest wait for a preview before the text is sent without one. */
export const LINK_PREVIEW_BUDGET_MS = 3000;
const MAX_PAGE_BYTES = 512 * 1024;
const MAX_REDIRECTS = 3;

export interface LinkPreviewOutcome {
	/** What Baileys gets as `linkPreview`: the preview, or null for none (Baileys then makes none itself). */
	preview: WAUrlInfo | null;
	/** For the output: whether one was attached, and why not. */
	summary: { requested: boolean; attached: boolean; url?: string; title?: string; reason?: string };
}

/** The first http(s) link in a text, without trailing punctuation. */
export function firstLink(text: string): string | undefined {
	const found = /\bhttps?:\/\/[^\s<>"'`]+/i.exec(text)?.[0];
	return found?.replace(/[.,;:!?)\]}'"]+$/, '') || undefined;
}

/** The preview for `text` when asked for, within `budgetMs`; never throws. */
export async function makeLinkPreview(text: string, requested: boolean, budgetMs = LINK_PREVIEW_BUDGET_MS): Promise<LinkPreviewOutcome> {
	if (!requested) return { preview: null, summary: { requested: false, attached: false } };
	const url = firstLink(text);
	if (!url) return { preview: null, summary: { requested: true, attached: false, reason: 'the text has no link' } };
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), budgetMs);
	try {
		const page = await fetchPage(url, controller.signal);
		const title = metaContent(page.html, 'og:title') ?? titleOf(page.html);
		if (!title) return { preview: null, summary: { requested: true, attached: false, url, reason: 'the page has no title' } };
		const description = metaContent(page.html, 'og:description') ?? metaContent(page.html, 'description');
		const preview: WAUrlInfo = { 'canonical-url': page.url, 'matched-text': url, title, ...(description ? { description } : {}) };
		return { preview, summary: { requested: true, attached: true, url, title } };
	} catch (error) {
		const reason = controller.signal.aborted ? `the page did not answer within ${budgetMs} ms` : (error as Error).message || 'the page could not be read';
		return { preview: null, summary: { requested: true, attached: false, url, reason } };
	} finally {
		clearTimeout(timer);
	}
}

async function fetchPage(start: string, signal: AbortSignal): Promise<{ url: string; html: string }> {
	let url = start;
	for (let redirects = 0; ; redirects++) {
		await checkPublicHost(new URL(url));
		const response = await fetch(url, { signal, redirect: 'manual', headers: { accept: 'text/html', 'user-agent': 'WhatsApp/2 n8n-nodes-whatsapp-chats' } });
		const location = response.headers.get('location');
		if (response.status >= 300 && response.status < 400 && location) {
			await response.body?.cancel();
			if (redirects >= MAX_REDIRECTS) throw new Error('the page redirects too often');
			url = new URL(location, url).toString();
			continue;
		}
		if (!response.ok) {
			await response.body?.cancel();
			throw new Error(`the page answered HTTP ${response.status}`);
		}
		if (!/html/i.test(response.headers.get('content-type') ?? '')) {
			await response.body?.cancel();
			throw new Error('the link is not an HTML page');
		}
		return { url, html: await readCapped(response) };
	}
}

/** At most MAX_PAGE_BYTES of the body: the head, where title and meta tags are, comes first. */
async function readCapped(response: Response): Promise<string> {
	const reader = response.body?.getReader();
	if (!reader) return '';
	const chunks: Uint8Array[] = [];
	let size = 0;
	while (size < MAX_PAGE_BYTES) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		size += value.byteLength;
	}
	await reader.cancel().catch(() => undefined);
	return Buffer.concat(chunks).subarray(0, MAX_PAGE_BYTES).toString('utf8');
}

/** Private, loopback and link-local addresses are refused unless the tests allow them. */
async function checkPublicHost(url: URL): Promise<void> {
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`links of the ${url.protocol} kind get no preview`);
	if (process.env.WHATSAPP_CHATS_PREVIEW_PRIVATE_HOSTS === '1') return;
	const host = url.hostname.replace(/^\[|\]$/g, '');
	const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
	if (addresses.some(isPrivateAddress)) throw new Error(`${url.hostname} is an address of this host or a private network, which is not fetched`);
}

export function isPrivateAddress(address: string): boolean {
	const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
	if (isIP(v4) === 4) {
		const [a, b] = v4.split('.').map(Number);
		return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
	}
	const lower = address.toLowerCase();
	return lower === '::1' || lower === '::' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
}

function titleOf(html: string): string | undefined {
	return clean(/<title[^>]*>([\s\S]{0,600}?)<\/title>/i.exec(html)?.[1]);
}

/** `<meta property|name="…" content="…">` in either attribute order. */
function metaContent(html: string, name: string): string | undefined {
	for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
		const key = /\b(?:property|name)\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
		if (key?.toLowerCase() !== name) continue;
		const content = clean(/\bcontent\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? /\bcontent\s*=\s*'([^']*)'/i.exec(tag)?.[1]);
		if (content) return content;
	}
	return undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", nbsp: ' ' };

function clean(text: string | undefined): string | undefined {
	const value = text
		?.replace(/<[^>]+>/g, '')
		.replace(/&(amp|lt|gt|quot|apos|#39|nbsp);/g, (_, name: string) => ENTITIES[name])
		.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
		.replace(/\s+/g, ' ')
		.trim();
	return value ? value.slice(0, 300) : undefined;
}
