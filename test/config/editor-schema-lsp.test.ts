/**
 * The editor schema (schemas/config.schema.json) as an editor sees it: yaml-language-server,
 * spoken to over LSP stdio (JSON-RPC with Content-Length framing, written here), opens the
 * example configs and a config with five mistakes, through the files' own `$schema`
 * modelines. The examples get no diagnostic; each mistake gets one at its line; completion
 * in a proxmox_vm body offers `memory` with its description.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = ['examples/homelab.yaml', 'examples/coral/main.yaml', 'examples/crucible/main.yaml', 'examples/language/main.yaml', 'examples/modules/k3s-node/main.yaml'];

interface Diagnostic {
  range: { start: { line: number; character: number } };
  message: string;
}
interface CompletionItem {
  label: string;
  documentation?: string | { kind: string; value: string };
}

/** A minimal LSP client over a child's stdio: requests, notifications, server requests answered by `onRequest`. */
class LspClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly diagnosticWaiters: { uri: string; resolve: (d: Diagnostic[]) => void }[] = [];
  stderr = '';

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly onRequest: (method: string, params: unknown) => unknown,
  ) {
    child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The next diagnostics published for `uri`. */
  nextDiagnostics(uri: string): Promise<Diagnostic[]> {
    return new Promise((resolve) => this.diagnosticWaiters.push({ uri, resolve }));
  }

  private send(message: object): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(message);
    }
  }

  private dispatch(m: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } }): void {
    if (m.method !== undefined && m.id !== undefined) {
      this.send({ jsonrpc: '2.0', id: m.id, result: this.onRequest(m.method, m.params) ?? null });
    } else if (m.method === 'textDocument/publishDiagnostics') {
      const { uri, diagnostics } = m.params as { uri: string; diagnostics: Diagnostic[] };
      this.diagnostics.set(uri, diagnostics);
      const waiting = this.diagnosticWaiters.filter((w) => w.uri === uri);
      for (const w of waiting) {
        this.diagnosticWaiters.splice(this.diagnosticWaiters.indexOf(w), 1);
        w.resolve(diagnostics);
      }
    } else if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
    }
  }
}

const YAML_SETTINGS = { validate: true, hover: true, completion: true, format: { enable: false }, schemaStore: { enable: false }, schemas: {} };

function serverEntry(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('yaml-language-server/package.json');
    const bin = join(dirname(pkg), 'bin', 'yaml-language-server');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** A document beside the examples (never written to disk): its modeline finds the schema as the examples' does. */
const MISTAKES_URI = pathToFileURL(join(ROOT, 'examples', 'editor-mistakes.yaml')).href;
const MISTAKES = `# yaml-language-server: $schema=../schemas/config.schema.json
providers:
  proxmox:
    endpoint: "https://pve.maas:8006"
    endpiont: "https://pve.maas:8006"
    token_id: "hl@pve!ci"
    token_secret: "\${var.secret}"
variables:
  secret: { type: string, sensitive: true }
resources:
  proxmox_vm.web:
    node: pve
    memroy: 2048
    cores: two
    sockets: "\${var.sockets}"
    networks:
      net0: { modle: virtio, bridge: vmbr0 }
      net1: "\${local.nic}"
  proxmox_vmm.db:
    node: pve
`;
/** Line (0-based) of each mistake in MISTAKES, and what the message says. */
const EXPECTED: { line: number; what: string; message: RegExp }[] = [
  { line: 4, what: 'provider block typo endpiont', message: /endpiont/ },
  { line: 12, what: 'attribute typo memroy', message: /memroy/ },
  { line: 13, what: 'wrong type cores: two', message: /integer/i },
  { line: 16, what: 'nested typo modle in net0', message: /modle/ },
  { line: 18, what: 'unknown type proxmox_vmm', message: /proxmox_vmm\.db/ },
];

const COMPLETION_URI = pathToFileURL(join(ROOT, 'examples', 'editor-completion.yaml')).href;
const COMPLETION = `# yaml-language-server: $schema=../schemas/config.schema.json
resources:
  proxmox_vm.web:
    node: pve
    
`;

describe('the editor schema in yaml-language-server', () => {
  const entry = serverEntry();
  let child: ChildProcessWithoutNullStreams | undefined;
  let client: LspClient;
  let version = 0;

  const open = (uri: string, text: string): Promise<Diagnostic[]> => {
    const published = client.nextDiagnostics(uri);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: ++version, text } });
    return published;
  };

  beforeAll(async () => {
    if (!entry) return;
    child = spawn(process.execPath, [entry, '--stdio'], { cwd: ROOT });
    client = new LspClient(child, (method, params) => {
      if (method === 'workspace/configuration') {
        return (params as { items: { section?: string }[] }).items.map((i) => (i.section === 'yaml' ? YAML_SETTINGS : null));
      }
      return null;
    });
    await client.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(ROOT).href,
      capabilities: {
        workspace: { configuration: true },
        textDocument: { completion: { completionItem: { documentationFormat: ['markdown', 'plaintext'] } } },
      },
    });
    client.notify('initialized', {});
    client.notify('workspace/didChangeConfiguration', { settings: { yaml: YAML_SETTINGS } });
  }, 15_000);

  afterAll(() => {
    child?.kill();
  });

  it('reports nothing on the example configs', async (ctx) => {
    if (!entry) ctx.skip(`yaml-language-server is not installed (npm install): cannot start it`);
    for (const file of EXAMPLES) {
      const uri = pathToFileURL(join(ROOT, file)).href;
      const diagnostics = await open(uri, readFileSync(join(ROOT, file), 'utf8'));
      expect(diagnostics.map((d) => `${file}:${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    }
  }, 10_000);

  it('reports each of five mistakes at its line, and nothing else', async (ctx) => {
    if (!entry) ctx.skip(`yaml-language-server is not installed (npm install): cannot start it`);
    const diagnostics = await open(MISTAKES_URI, MISTAKES);
    const shown = diagnostics.map((d) => `${d.range.start.line}: ${d.message}`);
    for (const mistake of EXPECTED) {
      const at = diagnostics.filter((d) => d.range.start.line === mistake.line);
      expect(at.length, `${mistake.what} (line ${mistake.line}) in ${JSON.stringify(shown)}`).toBeGreaterThan(0);
      expect(at.map((d) => d.message).join(' | '), mistake.what).toMatch(mistake.message);
    }
    const lines = new Set(EXPECTED.map((e) => e.line));
    expect(shown.filter((s) => !lines.has(Number(s.split(':')[0])))).toEqual([]);
  }, 10_000);

  it('completes memory, with its description, in a proxmox_vm body', async (ctx) => {
    if (!entry) ctx.skip(`yaml-language-server is not installed (npm install): cannot start it`);
    await open(COMPLETION_URI, COMPLETION);
    const result = await client.request<{ items: CompletionItem[] } | CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: COMPLETION_URI },
      position: { line: 4, character: 4 },
    });
    const items = Array.isArray(result) ? result : result.items;
    const memory = items.find((i) => i.label === 'memory');
    expect(memory, `labels: ${items.map((i) => i.label).join(', ')}`).toBeDefined();
    const doc = typeof memory!.documentation === 'string' ? memory!.documentation : memory!.documentation?.value;
    expect(doc).toContain('Memory in MiB');
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['cores', 'count', 'for_each', 'lifecycle', 'depends_on']));
  }, 10_000);
});
