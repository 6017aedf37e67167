/** Public API of the fake WhatsApp Web server used by the embedded-mode (Baileys) tests. */
export {
	FakeWhatsApp,
	startFakeWhatsApp,
	type ClientAck,
	type FakeWhatsAppOptions,
	type InjectedMessage,
	type KickReason,
	type ReceivedIq,
	type WaitKind,
} from './server';
export { type OutboundMessage } from './devices';
export { type AppStateMutation, type AppStatePatchCreate } from './app-state';
export { makeMemoryKeyStore, type MemoryKeyStore, type PairedCreds, type PairedCredsOptions } from './creds';
export { lidUserFor, type PhoneAccount } from './account';
export { type FakeGroup } from './iq-handlers';
export { type HistoryChat, type HistorySyncSpec, type InboundMessageSpec } from './inbound';
export { loadBaileys, type Baileys } from './baileys';
export { connectClient, type ConnectOptions, type RecordedEvent, type TestClient } from './client';
export { type WANode } from './nodes';
export { type ProfilePictureSetting } from './profilePicture';
export { FakeMediaServer, mediaMessage, startFakeMediaServer, type BlobRequest, type FakeMediaType, type UploadedMedia } from './media';
export { chatSettingOf, type ChatSetting } from './chatSettings';
export { type ReadReceipt } from './readReceipts';
export { addLidContact, injectLidMessage, pushLidHistory, pushLidMapping, type LidContact, type LidMessageSpec } from './lidAddressing';
export { receiptStanza, sendReceipt, type ReceiptKind, type ReceiptSpec } from './receipts';
export { sentTextOf, type SentText } from './texts';
