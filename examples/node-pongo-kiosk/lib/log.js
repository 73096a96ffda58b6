'use strict';
// The kiosk's log: quiet unless --verbose, and on stderr only, so a partner running it in the
// background next to `poscert certify` does not get its terminal flooded.
//
// What is logged is chosen by the callers, never the objects themselves: no connection, token, client
// secret, OAuth code or signature is ever passed here (ALL-SEC-01), and phone numbers in paths are
// masked by the Pongo client before they reach a log line.

let verbose = false;

function setVerbose(on) {
  verbose = Boolean(on);
}

function info(message) {
  if (verbose) process.stderr.write(`[kiosk] ${message}\n`);
}

function warn(message) {
  if (verbose) process.stderr.write(`[kiosk] warning: ${message}\n`);
}

module.exports = { setVerbose, info, warn };
