import { searchChats, searchLabels } from './listSearch';
import { whatsAppChatsConnectionTest } from './credentialTest';

export const listSearch = { searchChats, searchLabels };
export const credentialTest = { whatsAppChatsConnectionTest };
