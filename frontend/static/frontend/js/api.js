// The API client: same-origin JSON with the session cookie and CSRF header. Works in the page and in
// the service worker (no document access), so the outbox can flush from either.

let csrf = null;

export class ApiError extends Error {
  /** status 0 means the request never reached the server (offline, or the network failed). */
  constructor(status, body, message) {
    super(message || messageOf(status, body));
    this.status = status;
    this.body = body;
    this.fields = body && typeof body === "object" && !body.detail ? body : null;
  }

  get offline() {
    return this.status === 0;
  }

  /** Worth retrying later: the network, the server's own trouble, or "slow down". */
  get transient() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }

  get needsSignIn() {
    return this.status === 401 || this.status === 403;
  }
}

function messageOf(status, body) {
  if (status === 0) return "You seem to be offline.";
  if (body && typeof body === "object") {
    if (typeof body.detail === "string") return body.detail;
    const parts = Object.values(body).map((v) => [].concat(v).join(" "));
    if (parts.length) return parts.join(" ");
  }
  if (status >= 500) return "The server had a problem. Please try again in a little while.";
  return `Something went wrong (${status}).`;
}

export async function csrfToken({ refresh = false } = {}) {
  if (!csrf || refresh) {
    const body = await request("/api/auth/csrf", { csrf: false });
    csrf = body.csrfToken;
  }
  return csrf;
}

/** Forget the token: after sign-in and sign-out Django rotates it. */
export function forgetCsrf() {
  csrf = null;
}

async function request(path, { method = "GET", body, form, csrf: withCsrf = true, retried = false } = {}) {
  const headers = { Accept: "application/json" };
  const unsafe = !["GET", "HEAD"].includes(method);
  if (unsafe && withCsrf) headers["X-CSRFToken"] = await csrfToken();
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.status === 403 && unsafe && !retried && /CSRF/i.test(data?.detail || "")) {
    // The token rotated (a sign-in elsewhere in this browser): fetch a fresh one once.
    await csrfToken({ refresh: true });
    return request(path, { method, body, form, csrf: withCsrf, retried: true });
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const api = {
  get: (path) => request(path),
  post: (path, body) => request(path, { method: "POST", body }),
  put: (path, body) => request(path, { method: "PUT", body }),
  patch: (path, body) => request(path, { method: "PATCH", body }),
  delete: (path, body) => request(path, { method: "DELETE", body }),
  upload: (path, form) => request(path, { method: "POST", form }),
};
