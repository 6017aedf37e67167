/**
 * The embedded connection's link preview maker on its own: which link of a text it previews, what
 * it reads from the page, and what it refuses to fetch (addresses of this host and private networks).
 */
import { startLoopbackServer, type LoopbackServer } from '../gateway-server/loopbackServer';
import { firstLink, makeLinkPreview } from '../../nodes/backends/embedded/linkPreview';

test.each([
	['See https://shop.example.com/order/55.', 'https://shop.example.com/order/55'],
	['(details: http://example.org/a?b=1)', 'http://example.org/a?b=1'],
	['first https://a.example then https://b.example', 'https://a.example'],
	['no link here, only example.com', undefined],
])('firstLink(%j) is %j', (text, link) => {
	expect(firstLink(text)).toBe(link);
});

describe('pages', () => {
	let server: LoopbackServer;
	let base: string;
	const pages: Record<string, { type: string; body: string; status?: number; location?: string }> = {
		'/og': { type: 'text/html', body: `<meta content='Big &quot;sale&quot;' property='og:title'><title>t</title><meta property="og:description" content="50% off">` },
		'/title': { type: 'text/html; charset=utf-8', body: '<html><head><title>\n  Plain   title &#8211; shop </title></head></html>' },
		'/json': { type: 'application/json', body: '{"title":"no"}' },
		'/untitled': { type: 'text/html', body: '<p>nothing</p>' },
		'/gone': { type: 'text/html', body: 'gone', status: 404 },
		'/moved': { type: 'text/html', body: '', status: 301, location: '/title' },
		'/loop': { type: 'text/html', body: '', status: 302, location: '/loop' },
	};

	beforeAll(async () => {
		process.env.WHATSAPP_CHATS_PREVIEW_PRIVATE_HOSTS = '1';
		server = await startLoopbackServer((req, res) => {
			const page = pages[req.url ?? ''] ?? pages['/gone'];
			res.writeHead(page.status ?? 200, { 'content-type': page.type, ...(page.location ? { location: page.location } : {}) });
			res.end(page.body);
		});
		base = server.url;
	});
	afterAll(async () => {
		delete process.env.WHATSAPP_CHATS_PREVIEW_PRIVATE_HOSTS;
		await server.close();
	});

	test('og:title and og:description win over <title>, entities decoded', async () => {
		const { preview } = await makeLinkPreview(`look ${base}/og`, true);
		expect(preview).toEqual({ 'canonical-url': `${base}/og`, 'matched-text': `${base}/og`, title: 'Big "sale"', description: '50% off' });
	});

	test('a redirect is followed (within three), the title read and trimmed', async () => {
		const { preview } = await makeLinkPreview(`${base}/moved`, true);
		expect(preview).toEqual({ 'canonical-url': `${base}/title`, 'matched-text': `${base}/moved`, title: 'Plain title – shop' });
	});

	test.each([
		['/json', 'the link is not an HTML page'],
		['/untitled', 'the page has no title'],
		['/gone', 'the page answered HTTP 404'],
		['/loop', 'the page redirects too often'],
	])('%s: no preview, because %s', async (pagePath, reason) => {
		expect(await makeLinkPreview(`${base}${pagePath}`, true)).toEqual({ preview: null, summary: { requested: true, attached: false, url: `${base}${pagePath}`, reason } });
	});

	test('not asked, or no link: nothing fetched, no preview', async () => {
		expect(await makeLinkPreview(`${base}/og`, false)).toEqual({ preview: null, summary: { requested: false, attached: false } });
		expect(await makeLinkPreview('just words', true)).toEqual({ preview: null, summary: { requested: true, attached: false, reason: 'the text has no link' } });
	});

	test('an address of this host is refused without the test switch', async () => {
		delete process.env.WHATSAPP_CHATS_PREVIEW_PRIVATE_HOSTS;
		try {
			const { summary } = await makeLinkPreview(`${base}/og`, true);
			expect(summary.reason).toBe('127.0.0.1 is an address of this host or a private network, which is not fetched');
		} finally {
			process.env.WHATSAPP_CHATS_PREVIEW_PRIVATE_HOSTS = '1';
		}
	});
});
