/**
 * Benchmark scenario 1, the ceiling: a bare node:http server that answers every
 * request with the same 302 and does no I/O. Nothing can redirect faster on
 * this machine and runtime. PORT and HOST come from the environment.
 */
import http from 'node:http';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const server = http.createServer((_req, res) => {
  res.writeHead(302, { location: 'https://example.com/?c=ceiling', 'cache-control': 'no-store', 'content-length': '0' });
  res.end();
});
server.keepAliveTimeout = 65_000;
server.listen(port, host);

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
