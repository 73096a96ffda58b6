'use strict';
// poscert-driver/1 over node:http (poscert's docs/http-driver.md, schemas/driver/protocol.json): the
// harness builds one integration per scenario and calls its contract methods by name, with JSON
// arguments; every answer is JSON.
//
//   GET    /poscert-driver                      -> 200 describe
//   POST   /poscert-driver/instances            -> 201 {"instance": id}      ({"connection": {...}})
//   POST   /poscert-driver/instances/<id>/call  -> 200 {"result": ...} | {"error": {"type", "message"}}
//   DELETE /poscert-driver/instances/<id>       -> 204                        (close())
//
// Only the contract's methods can be called, each with its own argument list (METHODS below): the
// protocol must not let a request reach the integration's internals.

const http = require('node:http');
const log = require('./log');
const contract = require('./contract');

const PROTOCOL = 'poscert-driver/1';
const BASE = '/poscert-driver';
const MAX_BODY_BYTES = 1024 * 1024; // a webhook body is the largest argument; nothing legitimate comes near
const MAX_INSTANCES = 256; // a harness that never DELETEs cannot grow the process without bound

// -- arguments: the contract's Python signatures, and how each JSON value becomes the method's ------------
const str = (name) => (value) => {
  if (typeof value !== 'string') throw contract.typeError(`${name} must be a string`);
  return value;
};
const optionalStr = (name) => (value) => (value === null ? null : str(name)(value));
const strings = (name) => (value) => {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw contract.typeError(`${name} must be an array of strings`);
  }
  return value;
};
const mapping = (name) => (value) => {
  if (!isObject(value)) throw contract.typeError(`${name} must be an object`);
  return value;
};
const bytes = (name) => (value) => {
  if (value === null || typeof value !== 'object' || typeof value.base64 !== 'string') {
    throw contract.typeError(`${name} must be {"base64": "..."}`);
  }
  return Buffer.from(value.base64, 'base64');
};

const param = (name, convert, extra = {}) => ({ name, convert: convert(name), ...extra });
const optionsParam = param('options', strings, { default: [] });

// name -> parameters in order; `keywordOnly` ones are never positional (enlist's `*,`).
const METHODS = {
  catalog: [],
  locations: [],
  loyalty_screen: [],
  order_view: [],
  receipt: [],
  close: [],
  handle_webhook: [param('url', str), param('headers', mapping), param('body', bytes)],
  start_connect: [],
  finish_connect: [param('callback_url', str)],
  sync_stores: [],
  map_location: [param('location', str), param('store_slug', str)],
  sku_guide: [],
  start_session: [param('location', str)],
  identify_by_phone: [param('phone', str)],
  identify_by_pass: [param('scanned', str)],
  enlist: [
    param('phone', str),
    { name: 'optin', convert: contract.optIn },
    param('first_name', optionalStr, { default: null, keywordOnly: true }),
    param('last_name', optionalStr, { default: null, keywordOnly: true }),
    param('email', optionalStr, { default: null, keywordOnly: true }),
  ],
  redeem: [param('reward_id', str)],
  add_product: [param('sku', str), optionsParam],
  add_reward: [param('won_reward_id', str)],
  choose_reward_product: [param('won_reward_id', str), param('sku', str), optionsParam],
  pay: [{ name: 'outcome', convert: contract.paymentOutcome }],
  external_closed: [],
  external_cancelled: [],
  cancel: [],
  retry_pending: [],
};

/** args and kwargs bound to the method's parameters, as Python would bind them (same TypeErrors). */
function bind(method, params, args, kwargs) {
  const positional = params.filter((p) => !p.keywordOnly);
  if (args.length > positional.length) {
    const given = `${args.length} were given`;
    throw contract.typeError(`${method}() takes ${positional.length} positional arguments but ${given}`);
  }
  const known = new Set(params.map((p) => p.name));
  for (const name of Object.keys(kwargs)) {
    if (!known.has(name)) throw contract.typeError(`${method}() got an unexpected keyword argument '${name}'`);
  }
  return params.map((p, index) => {
    const given = index < args.length && !p.keywordOnly;
    if (given && Object.hasOwn(kwargs, p.name)) {
      throw contract.typeError(`${method}() got multiple values for argument '${p.name}'`);
    }
    if (given) return p.convert(args[index]);
    if (Object.hasOwn(kwargs, p.name)) return p.convert(kwargs[p.name]);
    if ('default' in p) return p.default;
    throw contract.typeError(`${method}() missing required argument: '${p.name}'`);
  });
}

function errorAnswer(error) {
  const type = error instanceof Error ? error.name || 'Error' : 'Error';
  const message = error instanceof Error ? String(error.message) : String(error);
  return { error: { type, message } };
}

/**
 * The poscert-driver/1 server for one integration class. `build(connection)` makes a fresh integration;
 * `describe` is what GET /poscert-driver answers.
 */
function createDriverServer({ describe, build }) {
  const instances = new Map();
  let next = 1;

  async function call(id, request) {
    const integration = instances.get(id);
    const { method, args, kwargs } = request;
    log.info(`call ${id} ${method}`); // the method only: arguments may hold phone numbers or OAuth codes
    if (!Object.hasOwn(METHODS, method) || typeof integration[method] !== 'function') {
      return { error: { type: 'NotImplementedError', message: `${method} is not implemented by this integration` } };
    }
    try {
      const values = bind(method, METHODS[method], args, kwargs);
      const result = await integration[method](...values);
      return { result: result === undefined ? null : result };
    } catch (error) {
      log.warn(`${method} raised ${error && error.name}`);
      return errorAnswer(error);
    }
  }

  async function route(req) {
    const path = new URL(req.url, 'http://driver').pathname.replace(/\/+$/, '');
    if (path === BASE) {
      if (req.method !== 'GET') return [405, { error: { type: 'MethodNotAllowed', message: 'GET only' } }];
      return [200, describe];
    }
    if (path === `${BASE}/instances`) {
      if (req.method !== 'POST') return [405, { error: { type: 'MethodNotAllowed', message: 'POST only' } }];
      const body = await readJson(req);
      if (!isObject(body) || !isObject(body.connection) || typeof body.connection.base_url !== 'string') {
        return [400, { error: { type: 'ValueError', message: 'expected {"connection": {"base_url": ...}}' } }];
      }
      let integration;
      try {
        integration = build(body.connection);
      } catch (error) {
        return [400, errorAnswer(error)];
      }
      const id = String(next++);
      instances.set(id, integration);
      if (instances.size > MAX_INSTANCES) closeInstance(instances.keys().next().value);
      return [201, { instance: id }];
    }
    const match = /^\/poscert-driver\/instances\/([A-Za-z0-9_.-]+)(\/call)?$/.exec(path);
    if (match) {
      const [, id, isCall] = match;
      if (isCall) {
        if (req.method !== 'POST') return [405, { error: { type: 'MethodNotAllowed', message: 'POST only' } }];
        if (!instances.has(id)) return [404, { error: { type: 'KeyError', message: `no instance ${id}` } }];
        const body = await readJson(req);
        if (!isObject(body) || typeof body.method !== 'string' || !Array.isArray(body.args) || !isObject(body.kwargs)) {
          const message = 'expected {"method": ..., "args": [...], "kwargs": {...}}';
          return [400, { error: { type: 'ValueError', message } }];
        }
        return [200, await call(id, body)];
      }
      if (req.method !== 'DELETE') return [405, { error: { type: 'MethodNotAllowed', message: 'DELETE only' } }];
      closeInstance(id); // idempotent: closing twice (or after a restart) is not an error
      return [204, null];
    }
    return [404, { error: { type: 'NotFound', message: `no ${req.method} ${path}` } }];
  }

  function closeInstance(id) {
    const integration = instances.get(id);
    instances.delete(id);
    if (!integration) return;
    try {
      integration.close();
    } catch (error) {
      log.warn(`close raised ${error && error.name}`);
    }
  }

  const server = http.createServer((req, res) => {
    route(req)
      .catch((error) => (error instanceof BodyError ? [error.status, errorAnswer(error)] : [500, errorAnswer(error)]))
      .then(([status, answer]) => {
        if (answer === null) {
          res.writeHead(status).end();
          return;
        }
        const text = JSON.stringify(answer);
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      });
  });
  server.instances = instances;
  return server;
}

class BodyError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ValueError';
    this.status = status;
  }
}

/** The request's JSON body; refused while streaming once it is too large, not after buffering it all. */
function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new BodyError(400, 'the body is not JSON'));
      }
    });
  });
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

module.exports = { PROTOCOL, METHODS, createDriverServer, bind };
