// The on-disk layout of one repository's snapshot index (one SQLite file per repository).
//   entry    one version of one node at one directory path (deduplicated by content: same path+name+metadata)
//   dir      one listing: the sorted entry ids of a directory, varint-packed (identical listings stored once)
//   path     every directory path seen in any snapshot
//   snapdir  which listing a snapshot holds at each directory path (the only per-snapshot rows)
//   dir_raw  SHA-256 of a directory's listing as restic printed it (path included) -> its listing: an unchanged
//            directory is recognised at once, without looking up each of its entries
//   snapshot committed last, so a snapshot cut short by a crash is simply absent
export const SCHEMA_VERSION = 2;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS path (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS entry (
  id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, path_id INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
  size INTEGER, mode INTEGER, uid INTEGER, gid INTEGER, mtime TEXT, atime TEXT, ctime TEXT
);
CREATE INDEX IF NOT EXISTS entry_hash ON entry(hash);
CREATE TABLE IF NOT EXISTS dir (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, members BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS dir_hash ON dir(hash);
CREATE TABLE IF NOT EXISTS dir_raw (raw BLOB PRIMARY KEY, dir INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshot (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, time TEXT NOT NULL, files INTEGER NOT NULL,
  dirs INTEGER NOT NULL, indexed_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS snapdir (
  snapshot INTEGER NOT NULL, path_id INTEGER NOT NULL, dir INTEGER NOT NULL, PRIMARY KEY (snapshot, path_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS snapdir_path ON snapdir(path_id);
`;
