import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { Authentication, Backrest, BytesValueSchema, ConfigSchema, OperationEventSchema } from './index.js';

// The generated descriptors plug into Connect v2 as-is, in both binary and JSON encodings.
describe.each([
  ['binary', true],
  ['json', false],
])('Connect with the %s encoding', (_name, useBinaryFormat) => {
  const transport = createRouterTransport(
    (router) => {
      router.service(Backrest, {
        getConfig: () => create(ConfigSchema, { modno: 3, instance: 'laptop' }),
        backup: (req) => {
          if (req.value !== 'home') throw new ConnectError(`plan "${req.value}" not found`, Code.NotFound);
          return {};
        },
        async *getOperationEvents() {
          yield create(OperationEventSchema, { event: { case: 'keepAlive', value: {} } });
          yield create(OperationEventSchema, {
            event: { case: 'deletedOperations', value: { values: [5n] } },
          });
        },
        async *getLogs(req) {
          yield create(BytesValueSchema, { value: new TextEncoder().encode(`log ${req.ref}`) });
        },
      });
      router.service(Authentication, { hashPassword: (req) => ({ value: `hashed:${req.value}` }) });
    },
    { transport: { useBinaryFormat } },
  );
  const backrest = createClient(Backrest, transport);
  const auth = createClient(Authentication, transport);

  it('calls unary RPCs', async () => {
    const config = await backrest.getConfig({});
    expect(config.modno).toBe(3);
    expect(config.instance).toBe('laptop');
    expect((await auth.hashPassword({ value: 'pw' })).value).toBe('hashed:pw');
  });

  it('carries Connect error codes', async () => {
    await expect(backrest.backup({ value: 'nope' })).rejects.toMatchObject({ code: Code.NotFound });
    await expect(backrest.backup({ value: 'home' })).resolves.toBeDefined();
  });

  it('streams server-streaming RPCs', async () => {
    const cases: string[] = [];
    for await (const event of backrest.getOperationEvents({})) cases.push(event.event.case ?? 'none');
    expect(cases).toEqual(['keepAlive', 'deletedOperations']);
    const chunks: string[] = [];
    for await (const chunk of backrest.getLogs({ ref: 't-1' }))
      chunks.push(new TextDecoder().decode(chunk.value));
    expect(chunks).toEqual(['log t-1']);
  });

  it('answers Unimplemented for RPCs without a handler', async () => {
    await expect(backrest.setupSftp({ host: 'h' })).rejects.toMatchObject({ code: Code.Unimplemented });
  });
});
