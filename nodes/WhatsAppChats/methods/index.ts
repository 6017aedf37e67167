import { searchChats } from './listSearch';
import { whatsAppChatsConnectionTest } from './credentialTest';

export const listSearch = { searchChats };
export const credentialTest = { whatsAppChatsConnectionTest };
