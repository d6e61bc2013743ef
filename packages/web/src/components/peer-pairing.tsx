import {
  Button,
  Code,
  CopyButton,
  Group,
  NumberInput,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { create } from '@bufbuild/protobuf';
import { useState } from 'react';
import { Multihost_PeerSchema, MultihostSchema } from '@restora/proto';
import type { Multihost_Permission } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { useSaveConfig } from '../api/use-save-config.js';
import { StatusAlert, useStatusMessage } from './status-message.js';
import { PermissionsEditor } from './peer-permissions.js';

/** Host side: a pairing token with a label, a lifetime, a number of uses and what the client may do. */
export function GenerateToken() {
  const { backrest } = useClients();
  const [label, setLabel] = useState('');
  const [hours, setHours] = useState<number | string>(24);
  const [uses, setUses] = useState<number | string>(1);
  const [perms, setPerms] = useState<Multihost_Permission[]>([]);
  const [token, setToken] = useState('');
  const { msg, run } = useStatusMessage();
  const generate = () =>
    run(async () => {
      const res = await backrest.generatePairingToken({
        label,
        ttlSeconds: BigInt(Math.round(Number(hours) * 3600)),
        maxUses: Number(uses),
        permissions: perms,
      });
      setToken(res.token);
    }, 'Token generated: paste it on the client, with this instance’s URL.');
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={4}>Let a client pair with this instance</Title>
        <TextInput label="Label" value={label} onChange={(e) => setLabel(e.currentTarget.value)} required />
        <Group grow>
          <NumberInput label="Valid for (hours, 0 = no expiry)" min={0} value={hours} onChange={setHours} />
          <NumberInput label="Uses (0 = unlimited)" min={0} value={uses} onChange={setUses} />
        </Group>
        <PermissionsEditor
          label="What clients paired with it may see from here"
          value={perms}
          onChange={setPerms}
        />
        <Group>
          <Button onClick={() => void generate()} disabled={!label}>
            Generate pairing token
          </Button>
        </Group>
        <StatusAlert msg={msg} />
        {token && (
          <Group wrap="nowrap">
            <Code block data-testid="pairing-token" style={{ wordBreak: 'break-all', flex: 1 }}>
              {token}
            </Code>
            <CopyButton value={token}>
              {({ copied, copy }) => (
                <Button variant="light" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

/** `<keyid>:<secret>#<instanceid>`: split on the last `#`, then the first `:` (as the server does). */
function parseToken(token: string): { keyid: string; secret: string; instanceId: string } {
  const hash = token.lastIndexOf('#');
  const rest = hash < 0 ? '' : token.slice(0, hash);
  const colon = rest.indexOf(':');
  if (hash < 0 || colon <= 0 || colon === rest.length - 1 || hash === token.length - 1)
    throw new Error('A pairing token reads <key id>:<secret>#<instance id>; this one does not.');
  return { keyid: rest.slice(0, colon), secret: rest.slice(colon + 1), instanceId: token.slice(hash + 1) };
}

/** Client side: paste a host's token and URL; the first connection pairs and clears the one-time secret. */
export function AddHost() {
  const save = useSaveConfig();
  const [token, setToken] = useState('');
  const [url, setUrl] = useState('');
  const [perms, setPerms] = useState<Multihost_Permission[]>([]);
  const { msg, run } = useStatusMessage();
  const add = () =>
    run(async () => {
      const t = parseToken(token.trim());
      if (!/^https?:\/\/\S+$/i.test(url.trim()))
        throw new Error('The host URL must start with http:// or https://');
      await save((c) => {
        const mh = c.multihost ?? create(MultihostSchema);
        if (mh.knownHosts.some((h) => h.keyid === t.keyid))
          throw new Error(`Host ${t.instanceId} is already known here.`);
        mh.knownHosts.push(
          create(Multihost_PeerSchema, {
            instanceId: t.instanceId,
            keyid: t.keyid,
            instanceUrl: url.trim(),
            initialPairingSecret: t.secret,
            permissions: perms,
          }),
        );
        c.multihost = mh;
      });
      setToken('');
    }, 'Host added: it connects now; its state shows above.');
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={4}>Pair with a host</Title>
        <Text size="sm" c="dimmed">
          Paste the token generated on the host and the URL this instance reaches it at.
        </Text>
        <TextInput label="Pairing token" value={token} onChange={(e) => setToken(e.currentTarget.value)} />
        <TextInput
          label="Host URL"
          placeholder="https://backup.example.com"
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
        />
        <PermissionsEditor label="What the host may see and do here" value={perms} onChange={setPerms} />
        <Group>
          <Button onClick={() => void add()} disabled={!token || !url}>
            Add host
          </Button>
        </Group>
        <StatusAlert msg={msg} />
      </Stack>
    </Paper>
  );
}
