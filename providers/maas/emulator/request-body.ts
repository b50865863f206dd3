/**
 * Request bodies as Django reads them for the MAAS API: application/x-www-form-urlencoded
 * and multipart/form-data. Repeated keys are kept in order; only text fields land in the form
 * (a part with a `filename` is an upload, which Django puts in request.FILES, not request.POST).
 *
 * python-libmaas sends every parameter as multipart (maas/client/utils/multipart.py: each part
 * a MIMEApplication with `Content-Transfer-Encoding: base64`, base64 folded over lines, some
 * parts `Content-Type: text/plain; charset="utf-8"`), and Django's MultiPartParser decodes a
 * base64 part; the MAAS CLI and gomaasapi send unencoded parts. Both are read here.
 */

export function parseFormBody(contentType: string | undefined, body: Buffer): URLSearchParams {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return parseMultipart(contentType!, body);
  if (type.startsWith('application/x-www-form-urlencoded') || (type === '' && body.length > 0)) {
    return new URLSearchParams(body.toString('utf8'));
  }
  return new URLSearchParams();
}

/** A header parameter (`name="x"`, `name=x`) of a Content-Disposition or Content-Type value. */
function headerParam(value: string, param: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i');
  const m = re.exec(value);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

function parseHeaders(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // RFC 5322 folding: a line starting with white space continues the previous one
  for (const line of text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

function parseMultipart(contentType: string, body: Buffer): URLSearchParams {
  const out = new URLSearchParams();
  const boundary = headerParam(contentType, 'boundary');
  if (!boundary) return out;
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter, 0);
  while (pos >= 0) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // the closing delimiter
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    else if (body[start] === 0x0a) start += 1;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // the CRLF before a delimiter belongs to the delimiter
    let end = next;
    if (body[end - 1] === 0x0a) end -= 1;
    if (body[end - 1] === 0x0d) end -= 1;
    const part = body.subarray(start, end);
    let sep = part.indexOf('\r\n\r\n');
    let sepLength = 4;
    if (sep < 0) {
      sep = part.indexOf('\n\n');
      sepLength = 2;
    }
    if (sep >= 0) {
      const headers = parseHeaders(part.subarray(0, sep).toString('utf8'));
      const disposition = headers.get('content-disposition') ?? '';
      const name = headerParam(disposition, 'name');
      if (name !== undefined && headerParam(disposition, 'filename') === undefined) {
        const raw = part.subarray(sep + sepLength);
        const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
        const bytes = encoding === 'base64' ? Buffer.from(raw.toString('latin1').replace(/\s+/g, ''), 'base64') : raw;
        out.append(name, bytes.toString('utf8'));
      }
    }
    pos = next;
  }
  return out;
}
