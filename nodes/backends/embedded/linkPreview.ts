/**
 * Link previews for texts sent on the embedded connection. Baileys makes them only through an
 * optional package (link-preview-js, not installed) and with its own unbounded retries, so the
 * preview is made here: the first http(s) link of the text is fetched (transport/download.ts) with
 * a hard time limit, reading at most the page's first 512 KiB, its title and description read, and
 * the text is sent without a preview when that fails (no network, no answer in time, not HTML).
 * Addresses of this host or its private networks are not fetched (a text could otherwise make n8n
 * read an internal page and send its title), unless WHATSAPP_CHATS_PREVIEW_PRIVATE_HOSTS=1 (tests).
 */
import type { WAUrlInfo } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { DownloadError, downloadFile } from '../../transport/download';
import { EMBEDDED_LABEL } from './embeddedErrors';

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
	try {
		const page = await downloadFile(url, {
			backend: EMBEDDED_LABEL,
			source: 'the linked page',
			what: 'the link preview',
			timeoutMs: budgetMs,
			maxBytes: MAX_PAGE_BYTES,
			capName: 'the link preview cap',
			overCap: 'keepStart',
			maxRedirects: MAX_REDIRECTS,
			headers: { accept: 'text/html', 'user-agent': 'WhatsApp/2 n8n-nodes-whatsapp-chats' },
			acceptType: /html/i,
			refusePrivateAddresses: process.env.WHATSAPP_CHATS_PREVIEW_PRIVATE_HOSTS !== '1',
		});
		const html = page.data.toString('utf8');
		const title = metaContent(html, 'og:title') ?? titleOf(html);
		if (!title) return { preview: null, summary: { requested: true, attached: false, url, reason: 'the page has no title' } };
		const description = metaContent(html, 'og:description') ?? metaContent(html, 'description');
		const preview: WAUrlInfo = { 'canonical-url': page.url.toString(), 'matched-text': url, title, ...(description ? { description } : {}) };
		return { preview, summary: { requested: true, attached: true, url, title } };
	} catch (error) {
		return { preview: null, summary: { requested: true, attached: false, url, reason: reasonOf(error, budgetMs) } };
	}
}

/** Why there is no preview, in the output's words. */
function reasonOf(error: unknown, budgetMs: number): string {
	if (!(error instanceof DownloadError)) return 'the page could not be read';
	switch (error.failure) {
		case 'timeout':
			return `the page did not answer within ${budgetMs} ms`;
		case 'status':
		case 'redirect':
			return `the page answered HTTP ${error.details.httpStatus}`;
		case 'redirects':
			return 'the page redirects too often';
		case 'type':
			return 'the link is not an HTML page';
		case 'network':
			return `the page could not be read (${error.why})`;
		default:
			return error.why;
	}
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
