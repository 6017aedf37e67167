/** The node's methods n8n calls from the editor: list searches and the credential test. */
import { searchChats, searchLabels } from './listSearch';
import { whatsAppChatsConnectionTest } from './credentialTest';

export const listSearch = { searchChats, searchLabels };
export const credentialTest = { whatsAppChatsConnectionTest };
