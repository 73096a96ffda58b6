#!/usr/bin/env node
'use strict';
// A reference Pongo kiosk integration in plain Node.js (>= 20, no dependencies) that poscert
// certifies over HTTP: it serves poscert-driver/1 and calls Pongo at the base_url each scenario's
// connection gives (poscert's simulator for the run).
//
//   node kiosk.js [--port 7070] [--host 127.0.0.1] [--broken NAME] [--verbose]
//
// `--broken sends-unpaid-orders` (or POSCERT_BROKEN=sends-unpaid-orders) serves a copy with one
// mistake, which certification must catch (PONGO-ORDER-02).

const log = require('./lib/log');
const { PROTOCOL, createDriverServer } = require('./lib/protocol');
const { PongoKiosk } = require('./lib/pongo-kiosk');
const { BROKEN } = require('./lib/broken');
const { version } = require('./package.json');

const USAGE = 'usage: node kiosk.js [--port N] [--host HOST] [--broken NAME] [--verbose]';

function parseArgs(argv) {
  const options = { port: 7070, host: '127.0.0.1', broken: process.env.POSCERT_BROKEN || null, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--port') options.port = Number(value());
    else if (flag === '--host') options.host = value();
    else if (flag === '--broken') options.broken = value();
    else if (flag === '--verbose') options.verbose = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(`${USAGE}\nbroken copies: ${Object.keys(BROKEN).join(', ')}`);
      process.exit(0);
    } else fail(`unknown option ${flag}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) fail('--port must be 0-65535');
  if (options.broken && !Object.hasOwn(BROKEN, options.broken)) {
    fail(`unknown broken copy ${options.broken}; known: ${Object.keys(BROKEN).join(', ')}`);
  }
  return options;
}

function fail(message) {
  console.error(`kiosk: ${message}\n${USAGE}`);
  process.exit(2);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  log.setVerbose(options.verbose);
  const Integration = options.broken ? BROKEN[options.broken].cls : PongoKiosk;
  const declared = Integration.prototype; // platform, kind and capabilities are the class's, not an instance's
  const describe = {
    protocol: PROTOCOL,
    platform: declared.platform,
    kind: declared.kind,
    capabilities: [...declared.capabilities],
    name: options.broken ? `Node.js reference kiosk (broken: ${options.broken})` : 'Node.js reference kiosk',
    version,
  };
  const server = createDriverServer({ describe, build: (connection) => new Integration(connection) });
  server.listen(options.port, options.host, () => {
    const { address, port } = server.address();
    const host = address.includes(':') ? `[${address}]` : address;
    const what = `${PROTOCOL} (${describe.platform} ${describe.kind})`;
    console.log(`${describe.name} ${version}: ${what} on http://${host}:${port}`);
  });
  server.on('error', (error) => {
    console.error(`kiosk: ${error.message}`);
    process.exit(1);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // the harness's keep-alive connections would hold the close open
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
