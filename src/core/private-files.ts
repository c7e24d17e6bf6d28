import fs from 'node:fs';

/**
 * The data dir holds all usage data, password hashes, install codes and keys, so what the platform
 * writes is for its own user only: files owner read/write, folders owner-only. Certificates and public
 * keys too: an operator hands them on by copying them.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** The process umask `smt` runs with: files a library creates without a mode end up owner-only as well. */
export const PRIVATE_UMASK = 0o077;

/** A folder and its missing parents, owner-only; an existing folder keeps its mode (the start check warns about loose ones). */
export function makePrivateDirSync(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

export async function makePrivateDir(dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates an empty owner-only file unless one exists, so a library that opens it afterwards (SQLite,
 * whose -wal and -shm files copy the database file's mode) works on a private file from the start.
 */
export function createPrivateFileIfMissing(file: string): void {
  fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT, PRIVATE_FILE_MODE));
}
