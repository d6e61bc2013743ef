// s3rver (npm) in its own process for the S3 store tests: `node --openssl-legacy-provider test/s3rver-process.mjs
// DIR` prints `port N` once it listens on 127.0.0.1. s3rver 3.7 encrypts its ListObjectsV2 continuation tokens
// with DES, which OpenSSL 3 only offers through the legacy provider: without it every paged listing fails.
import S3rver from 's3rver';

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: process.argv[2],
  configureBuckets: [{ name: 'bucket', configs: [] }],
});
const { port } = await server.run();
console.log(`port ${port}`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
