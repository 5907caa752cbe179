// The little IndexedDB this app needs: an outbox of check-ins and a key-value store (profile,
// vocabulary, draft). Hand-written: two stores and four operations are shorter than a dependency.

const NAME = "attune";
const VERSION = 1;
let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id" });
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another tab is deleting the database (sign-out): let it, and reopen next time.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      req.onerror = () => {
        opening = null;
        reject(req.error);
      };
    });
  }
  return opening;
}

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Run fn(store) in one transaction; resolves with fn's result once the transaction commits. */
export async function tx(storeName, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(storeName, mode);
    let result;
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
    Promise.resolve(fn(t.objectStore(storeName))).then((value) => {
      result = value;
    }, reject);
  });
}

export const kv = {
  get: (key) => tx("kv", "readonly", (s) => done(s.get(key))),
  set: (key, value) => tx("kv", "readwrite", (s) => done(s.put(value, key))),
  delete: (key) => tx("kv", "readwrite", (s) => done(s.delete(key))),
};

export const outboxStore = {
  all: () => tx("outbox", "readonly", (s) => done(s.getAll())),
  get: (id) => tx("outbox", "readonly", (s) => done(s.get(id))),
  put: (entry) => tx("outbox", "readwrite", (s) => done(s.put(entry))),
  delete: (id) => tx("outbox", "readwrite", (s) => done(s.delete(id))),
  /** Delete only if the stored entry is still the revision that was sent (an edit may have landed). */
  deleteIfRevision: (id, rev) =>
    tx("outbox", "readwrite", async (s) => {
      const entry = await done(s.get(id));
      if (entry && entry.rev === rev) await done(s.delete(id));
      return Boolean(entry && entry.rev === rev);
    }),
};

/** Remove the whole database (sign-out, account deletion). */
export async function destroy() {
  if (opening) {
    (await opening).close();
    opening = null;
  }
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(NAME);
    // Our own connections close on "versionchange", so a blocked delete completes once they have.
    req.onsuccess = req.onerror = () => resolve();
  });
}
