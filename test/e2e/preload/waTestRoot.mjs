/**
 * Preloaded into n8n processes of the embedded e2e stage (NODE_OPTIONS=--import <this file>):
 * makes Baileys trust the fake WhatsApp server's test certificate root, the same thing
 * test/fake-whatsapp/certificate.ts does inside jest. Product code stays unchanged: Baileys checks
 * the server's certificate chain against its exported, mutable WA_CERT_DETAILS, and this is the
 * one module instance the package's embedded backend imports later (same resolved file).
 *
 * WHATSAPP_CHATS_E2E_CERT_ROOT = "<serial>:<root public key, hex>"; without it this does nothing.
 */
const spec = process.env.WHATSAPP_CHATS_E2E_CERT_ROOT;
if (spec) {
	const [serial, publicKey] = spec.split(':');
	const { WA_CERT_DETAILS } = await import('@whiskeysockets/baileys');
	WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(publicKey, 'hex');
	WA_CERT_DETAILS.SERIAL = Number(serial);
}
