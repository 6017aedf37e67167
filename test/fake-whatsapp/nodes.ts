/**
 * Minimal helpers for WhatsApp's binary XML stanzas ("binary nodes").
 * The shape matches Baileys' `BinaryNode`, so values can be passed to its encoder unchanged.
 */
export interface WANode {
	tag: string;
	attrs: Record<string, string>;
	content?: WANode[] | Uint8Array | string;
}

export function node(tag: string, attrs: Record<string, string | undefined> = {}, content?: WANode['content']): WANode {
	const clean: Record<string, string> = {};
	for (const [k, v] of Object.entries(attrs)) {
		if (v !== undefined) clean[k] = v;
	}
	return content === undefined ? { tag, attrs: clean } : { tag, attrs: clean, content };
}

export function children(n: WANode | undefined, tag?: string): WANode[] {
	if (!n || !Array.isArray(n.content)) return [];
	return tag ? n.content.filter((c) => c.tag === tag) : n.content;
}

export function child(n: WANode | undefined, tag: string): WANode | undefined {
	return children(n, tag)[0];
}

/** Content of a node as bytes (strings are UTF-8 encoded), or undefined. */
export function bytes(n: WANode | undefined): Buffer | undefined {
	if (!n || n.content === undefined || Array.isArray(n.content)) return undefined;
	return typeof n.content === 'string' ? Buffer.from(n.content, 'utf-8') : Buffer.from(n.content);
}

/** Big-endian unsigned integer of `length` bytes, as WhatsApp encodes key ids and registration ids. */
export function encodeBigEndian(value: number, length = 4): Buffer {
	const out = Buffer.alloc(length);
	let v = value;
	for (let i = length - 1; i >= 0; i--) {
		out[i] = v & 0xff;
		v = Math.floor(v / 256);
	}
	return out;
}

export function unixSeconds(date = Date.now()): string {
	return Math.floor(date / 1000).toString();
}
