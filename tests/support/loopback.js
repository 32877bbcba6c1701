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

/** Whether a spawned child process has ended, by exit or by signal. */
function hasExited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Waits until the server at `base` answers `/healthz` with 200, asking every `pollMs`.
 * `hasExited()` says whether the server's process is gone, so a server that dies while starting
 * fails the caller at once instead of after `timeoutMs`.
 * Answers 'healthy', 'exited' or 'timeout'; the caller words the error with what it knows (logs).
 */
async function waitForHealth(base, { timeoutMs, hasExited = () => false, pollMs = 200 }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited()) return 'exited';
    try {
      if ((await fetch(`${base}/healthz`)).ok) return 'healthy';
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return hasExited() ? 'exited' : 'timeout';
}

module.exports = { freePort, hasExited, waitForHealth };
