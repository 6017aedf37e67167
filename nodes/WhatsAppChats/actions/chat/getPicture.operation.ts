/**
 * Chat → Get Picture: the chat's profile picture URL (null, said in words, when there is none or
 * privacy hides it), optionally downloaded as n8n binary data. The download goes to WhatsApp's
 * picture server with no credentials (a URL with a login is refused), within the node's Timeout
 * and size cap, following at most PICTURE_REDIRECTS redirects; the MIME type is sniffed when the
 * CDN calls the file octet-stream.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { InvalidInputError, setBackendHints } from '../../../backends/errors';
import type { ChatRef } from '../../../backends/ids';
import { MEDIA_CAP_NAME } from '../../../backends/mediaFile';
import { downloadFile, extensionOf } from '../../../transport/download';
import { chatLocator, chatResult, readChat } from '../common';
import type { OperationModule } from '../OperationModule';
import { readBatchOptions } from '../options';

type Input = { chat: ChatRef; downloadPicture: boolean; binaryPropertyName: string };

export const capability = 'getChatPicture';

/** Who serves the picture file, in errors (its hints are not about the gateway's credentials). */
export const PICTURE_SOURCE = "WhatsApp's picture server";
const PICTURE_REDIRECTS = 3;
/** Only what a CDN needs to answer; never anything that identifies the gateway or the user. */
const PICTURE_REQUEST_HEADERS = { accept: 'image/*,*/*;q=0.8', 'accept-encoding': 'identity', 'user-agent': 'n8n-nodes-whatsapp-chats' };

setBackendHints(PICTURE_SOURCE, {
	timeout: 'The picture server is slow; raise "Timeout" in the node options or retry later.',
	tooLarge: 'Raise the size limit in the node options if such pictures are expected.',
	unauthorized: 'Picture links expire: run Get Picture again for a fresh one.',
	unreachable: 'Check that n8n can reach the internet (WhatsApp\'s CDN); the picture URL is in the output without Download Picture.',
	notFound: 'Picture links expire: run Get Picture again for a fresh one.',
	rejected: 'Picture links expire: run Get Picture again for a fresh one.',
	badAnswer: 'The backend handed out an address that is not a public picture URL.',
});

const NO_PICTURE = 'The contact has no profile picture, or their privacy settings hide it from this account';

export const description = updateDisplayOptions({ show: { resource: ['chat'], operation: ['getPicture'] } }, [
	chatLocator,
	{
		displayName: 'Download Picture',
		name: 'downloadPicture',
		type: 'boolean',
		default: false,
		description: 'Whether to download the picture and output it as binary data (otherwise only its URL)',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { downloadPicture: [true] } },
		hint: 'The name of the output binary field to put the picture in',
	},
]);

export const readInput: OperationModule<Input>['readInput'] = (ctx, itemIndex) => {
	const chat = readChat(ctx, itemIndex);
	const downloadPicture = ctx.getNodeParameter('downloadPicture', itemIndex, false) as unknown;
	if (typeof downloadPicture !== 'boolean') throw new InvalidInputError('Download Picture', downloadPicture, 'true or false');
	const binaryPropertyName = downloadPicture ? ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') : 'data';
	if (typeof binaryPropertyName !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(binaryPropertyName.trim())) {
		throw new InvalidInputError('Put Output File in Field', binaryPropertyName, 'a field name of letters, digits, "_", "-" or "." such as "data"');
	}
	return { chat, downloadPicture, binaryPropertyName: binaryPropertyName.trim() };
};

export const execute: OperationModule<Input>['execute'] = async (backend, { chat, downloadPicture, binaryPropertyName }, ctx) => {
	const picture = await backend.getChatPicture(chat);
	const fields: IDataObject = { hasPicture: picture.url !== null, pictureUrl: picture.url };
	if (picture.url === null) {
		fields.note = downloadPicture ? `${NO_PICTURE}; nothing was downloaded` : NO_PICTURE;
		return chatResult(backend, chat, fields, { raw: picture.raw });
	}
	const [item] = chatResult(backend, chat, fields, { raw: picture.raw });
	if (!downloadPicture) return [item];
	const limits = downloadLimits(ctx);
	const file = await downloadFile(picture.url, {
		backend: PICTURE_SOURCE,
		what: `the profile picture of ${backend.formatChatId(chat)}`,
		...limits,
		maxRedirects: PICTURE_REDIRECTS,
		headers: PICTURE_REQUEST_HEADERS,
	});
	const fileName = `${chat.user}.${extensionOf(file.mimeType)}`;
	item.json.fileName = fileName;
	item.json.mimeType = file.mimeType;
	item.json.fileSize = file.data.length;
	return [{ ...item, binary: { [binaryPropertyName]: await ctx.helpers.prepareBinaryData(file.data, fileName, file.mimeType) } }];
};

/** The node's Timeout, and its media size cap (Max Media Size, where offered) or else Max Response Size. */
function downloadLimits(ctx: IExecuteFunctions): { timeoutMs: number; maxBytes: number; capName: string } {
	const { transport } = readBatchOptions(ctx);
	const mediaMiB = (ctx.getNodeParameter('options', 0, {}) as { maxMediaSizeMiB?: unknown }).maxMediaSizeMiB;
	if (typeof mediaMiB === 'number' && Number.isFinite(mediaMiB) && mediaMiB > 0) {
		return { timeoutMs: transport.timeoutMs, maxBytes: mediaMiB * 1024 * 1024, capName: MEDIA_CAP_NAME };
	}
	return { timeoutMs: transport.timeoutMs, maxBytes: transport.maxResponseBytes ?? 16 * 1024 * 1024, capName: '"Max Response Size (MiB)"' };
}
