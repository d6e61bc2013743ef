import type { Readable, Writable } from 'node:stream';
import type { ObjectType } from '../http/paths.js';

export type FileType = ObjectType | 'config';

/** Addresses one stored file: `name` is the 64-hex id, or '' for config. */
export interface FileRef {
  repo: readonly string[];
  type: FileType;
  name: string;
}

export interface ListEntry {
  name: string;
  size: number;
}

export interface WriteOptions {
  /** Announced Content-Length, if any; a shorter body fails with IncompleteBodyError. */
  size?: number | undefined;
  /** When set, the SHA-256 hex digest the body must have (HashMismatchError otherwise). */
  expectedSha256?: string | undefined;
  /**
   * The body's chunks belong to this write alone (true of HTTP/1 request bodies: Node copies each chunk out of
   * the socket buffer), so the store may take their memory instead of copying it.
   */
  chunksOwned?: boolean | undefined;
}

export interface ObjectReader {
  size: number;
  /** Writes bytes [start, end] inclusive to `dest`, releases the reader, resolves with the bytes accepted. */
  sendTo(dest: Writable, start: number, end: number): Promise<number>;
  /**
   * Like sendTo but keeps the reader open for further parts (multi-range responses); one call at a time,
   * then close(). Rejects once the reader is released.
   */
  sendPart(dest: Writable, start: number, end: number): Promise<number>;
  /** Releases the reader without streaming, or after sendPart; idempotent. */
  close(): void;
}

/** Storage of repositories; both implementations pass test/store-contract.ts. */
export interface Store {
  /** Creates the repository with its type folders (idempotent). */
  createRepo(repo: readonly string[]): Promise<void>;
  /** Size of the file, or undefined when it does not exist. */
  stat(file: FileRef): Promise<number | undefined>;
  /** Opens a file for reading, or undefined when it does not exist. */
  open(file: FileRef): Promise<ObjectReader | undefined>;
  /**
   * Stores a new file from a stream and returns the byte count. Never overwrites (ExistsError). Objects are
   * written atomically (nothing visible on failure); config into a missing repository fails (RepoMissingError).
   */
  write(file: FileRef, body: Readable, opts: WriteOptions): Promise<number>;
  /** Removes a file; returns its size, or undefined when it was missing. */
  remove(file: FileRef): Promise<number | undefined>;
  /**
   * Lists a type folder in batches; undefined when the repository does not exist, empty when only the
   * type folder is missing.
   */
  list(repo: readonly string[], type: ObjectType): Promise<AsyncIterable<ListEntry[]> | undefined>;
  /** Total bytes used by everything in the store (quota initialisation). */
  usage(): Promise<number>;
  /**
   * Prepares listings so the first ones after start are fast (optional): synchronously for up to `syncMs` (the
   * server calls it before it listens), the rest in the background.
   */
  warmListings?(syncMs?: number): Promise<void>;
}
