/**
 * Request bodies as Django reads them for the MAAS API: application/x-www-form-urlencoded
 * and multipart/form-data (what python-libmaas sends); text fields only. Repeated keys are
 * kept in order.
 */

export function parseFormBody(contentType: string | undefined, body: Buffer): URLSearchParams {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return parseMultipart(contentType!, body);
  if (type.startsWith('application/x-www-form-urlencoded') || (type === '' && body.length > 0)) {
    return new URLSearchParams(body.toString('utf8'));
  }
  return new URLSearchParams();
}

function parseMultipart(contentType: string, body: Buffer): URLSearchParams {
  const out = new URLSearchParams();
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return out;
  const text = body.toString('utf8');
  for (const part of text.split(`--${boundary}`)) {
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const headers = part.slice(0, sep);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) continue;
    out.append(name, part.slice(sep + 4).replace(/\r\n$/, ''));
  }
  return out;
}
