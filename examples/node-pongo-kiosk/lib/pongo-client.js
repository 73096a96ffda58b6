'use strict';
// Talking to Pongo: the OAuth connection of each merchant, their tokens, and the failures the kiosk
// survives (port of poscert/drivers/pongo/client.py and drivers/http.py).
//
// Every request goes to `connection.base_url` (poscert's simulator for the run, or Pongo's sandbox) on
// Pongo's real paths, with the global `fetch` of Node 20. Tokens are kept per merchant (several
// merchants connect the same kiosk software) and only ever travel in the Authorization header. A 401
// means the access token expired: refresh once (refresh tokens rotate, so the new pair replaces the old)
// and retry the call once.

const log = require('./log');
const { named } = require('./contract');

// A call that takes longer is Pongo being unavailable. Shorter than the harness's call time-out (10 s
// by default), so the kiosk answers the harness with "loyalty unavailable" rather than not at all.
const DEFAULT_TIMEOUT_MS = 5000;
// 4xx answers that mean "not now" rather than "no": Pongo runs on Laravel, whose throttle answers 429.
const COME_BACK_LATER = new Set([429]);
// A customer's phone number is not for the logs or the error messages either.
const PHONE_IN_PATH = /(\/phone\/)\d+/g;

/** Pongo cannot serve this call now; the customer is told and the sale goes on. */
class PongoError extends Error {
  constructor(message) {
    super(message);
    this.name = new.target.name;
  }

  get customerMessage() {
    return 'Loyalty could not do that right now; your order can go on.';
  }
}

/** A 5xx, a 429, a time-out or a network failure: try again later. */
class PongoUnavailable extends PongoError {
  get customerMessage() {
    return 'Loyalty is unavailable right now; your order can go on.';
  }
}

/** No usable connection for this merchant: never connected, location unmapped, or tokens revoked. */
class NotConnected extends PongoError {
  get customerMessage() {
    return 'Loyalty is not set up here yet; please ask the staff.';
  }
}

/** Pongo answered with an error the kiosk did not expect (a 4xx other than a handled one). */
class PongoRefused extends PongoError {}

/** The OAuth callback cannot be trusted (unknown state, error) or Pongo refused the code. */
function connectRefused(message) {
  return named('ConnectRefused', message);
}

const masked = (path) => path.replace(PHONE_IN_PATH, '$1***');

/** One answer of Pongo, read whole (a connection dropped mid-body is a network failure, not an answer). */
class PongoResponse {
  constructor(method, path, status, text) {
    this.method = method;
    this.path = path;
    this.status = status;
    this.text = text;
  }

  json() {
    return JSON.parse(this.text);
  }
}

/** Pongo wraps every resource in {"data": ...}. */
function data(response) {
  return response.json().data;
}

/** The resource of an answer with one of these statuses; any other answer is a refusal. */
function expect(response, ...statuses) {
  if (!statuses.includes(response.status)) {
    throw new PongoRefused(`${response.method} ${masked(response.path)}: ${response.status}`);
  }
  return data(response);
}

class PongoClient {
  constructor(connection, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    if (!connection || typeof connection.base_url !== 'string' || !/^https?:\/\//.test(connection.base_url)) {
      throw named('ValueError', 'connection.base_url must be an http(s) URL');
    }
    // Kept out of enumerable properties, so a stray JSON.stringify or inspection never prints them.
    Object.defineProperty(this, 'connection', { value: Object.freeze({ ...connection }), enumerable: false });
    Object.defineProperty(this, 'tokens', { value: new Map(), enumerable: false }); // merchant -> {access, refresh}
    this.baseUrl = connection.base_url.replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
  }

  close() {
    // Node's fetch pools connections process-wide; forgetting the tokens is what this instance holds.
    this.tokens.clear();
  }

  get redirectUri() {
    return this.connection.redirect_uri || '';
  }

  /** The URL of Pongo's consent form; `state` ties the callback to this request. */
  authorizeUrl(state, scopes) {
    const query = new URLSearchParams({
      client_id: this.connection.client_id || '',
      redirect_uri: this.redirectUri,
      state,
      scope: scopes.join(','),
      response_type: 'code',
    });
    return `${this.baseUrl}/v1/oauth/form?${query}`;
  }

  /** Exchange an authorization code, learn whose it is, keep the tokens; returns the merchant. */
  async connect(code) {
    const tokens = await this.tokenGrant({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
    });
    if (tokens === null) throw connectRefused('Pongo refused the authorization code');
    const response = await this.send('GET', '/v1/oauth/me', tokens.access);
    if (response.status !== 200) throw connectRefused('Pongo did not accept the new token');
    const merchant = data(response).merchant;
    this.tokens.set(merchant.public_id, tokens);
    return merchant;
  }

  /** Call Pongo with this merchant's token; 4xx answers (but "come back later") are returned to read. */
  async call(merchant, method, path, { json, params } = {}) {
    if (!this.tokens.has(merchant)) throw new NotConnected(merchant);
    let response = await this.send(method, path, this.tokens.get(merchant).access, { json, params });
    if (response.status === 401) {
      await this.refresh(merchant);
      response = await this.send(method, path, this.tokens.get(merchant).access, { json, params });
      if (response.status === 401) throw new NotConnected(merchant);
    }
    return response;
  }

  /** An expired access token is renewed without the merchant, with the refresh token. */
  async refresh(merchant) {
    const { refresh } = this.tokens.get(merchant);
    const tokens = await this.tokenGrant({ grant_type: 'refresh_token', refresh_token: refresh });
    if (tokens === null) {
      // The merchant revoked us or the refresh token is spent: only a new connection helps.
      this.tokens.delete(merchant);
      throw new NotConnected(merchant);
    }
    this.tokens.set(merchant, tokens);
  }

  /** POST /v1/oauth/token with the client credentials in the form body (Pongo takes no HTTP Basic). */
  async tokenGrant(grant) {
    const form = { ...grant, client_id: this.connection.client_id, client_secret: this.connection.client_secret };
    const response = await this.send('POST', '/v1/oauth/token', null, { form });
    if (response.status !== 200) return null;
    const body = response.json();
    return { access: body.access_token, refresh: body.refresh_token };
  }

  /**
   * The one place requests leave: the token goes in the header, never in the URL or the log. A network
   * failure (time-outs and connections dropped before or during the answer included), a 5xx or a
   * throttle throws PongoUnavailable; any other answer is returned to read.
   */
  async send(method, path, token, { json, params, form } = {}) {
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let body;
    if (json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const query = params ? `?${new URLSearchParams(params)}` : '';
    const shown = masked(path);
    let status;
    let text;
    try {
      const answer = await fetch(`${this.baseUrl}${path}${query}`, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = answer.status;
      text = await answer.text();
    } catch (failure) {
      const why = failure.name === 'TimeoutError' ? 'TimeoutError' : failure.cause?.code || failure.name;
      log.info(`${method} ${shown} -> ${why}`);
      throw new PongoUnavailable(`${method} ${shown}: ${why}`);
    }
    log.info(`${method} ${shown} -> ${status}`);
    if (status >= 500 || COME_BACK_LATER.has(status)) throw new PongoUnavailable(`${method} ${shown}: ${status}`);
    return new PongoResponse(method, path, status, text);
  }
}

module.exports = {
  PongoClient,
  PongoError,
  PongoUnavailable,
  NotConnected,
  PongoRefused,
  connectRefused,
  data,
  expect,
};
