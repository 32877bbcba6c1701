// Loopback helpers shared by the browser tests, the crash soak and the front-end benchmark
// (CommonJS, so the Playwright specs can require it and the .mjs scripts import it).
const net = require('node:net');

/** A loopback port nothing listens on now (the system picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

module.exports = { freePort };
