/** Types for scripts/n8n/common.js (the parts TypeScript tests use). */
export const ROOT: string;
export const PACKAGE_DIR: string;
export const N8N_VERSION: string;
export const CACHE_DIR: string;
export const N8N_BIN: string;
export const DEV_ENCRYPTION_KEY: string;
export function installedVersion(): string | undefined;
export function assertInstalled(): void;
export function linkPackage(userFolder: string, packageDir?: string): string;
export function missingBuildOutputs(packageDir?: string): string[];
export function freePort(): Promise<number>;
export function isPortFree(port: number): Promise<boolean>;
