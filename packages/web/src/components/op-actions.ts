import type { Clients } from '../api/transport.js';
import { apiBaseUrl } from '../api/transport.js';

/** Resolves a GetDownloadURL answer (`./download/<token>/`) against the API base and opens it; a folder comes as
 * a tar archive, or a zip one with `format: 'zip'`. */
export async function downloadOp(
  clients: Clients,
  opId: bigint,
  filePath: string,
  format?: 'zip',
): Promise<string> {
  const res = await clients.backrest.getDownloadURL({ opId, filePath });
  const name = filePath.split('/').filter(Boolean).pop() ?? 'download';
  const url =
    new URL(res.value, `${apiBaseUrl()}/`).href +
    encodeURIComponent(name) +
    (format ? `?format=${format}` : '');
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  return url;
}
