/** The text of `hl --help` and `hl COMMAND --help`. */
import { HL_VERSION } from '../version.js';

const MAIN = `hl ${HL_VERSION} — declarative homelab infrastructure (Proxmox, MAAS, Uptime Kuma, Coral TPU)

Usage: hl COMMAND [ARGS] [OPTIONS]

Main commands:
  plan             Show what apply would change (compare config, state and live reads)
  apply [PLAN]     Make the changes: plan and ask, or apply a plan saved with --out
  destroy          Destroy everything in state (asks first)

Other commands:
  validate         Check the config: syntax, references, types, cycles
  graph            Print the dependency graph (--format dot|mermaid)
  output [NAME]    Show output values from state
  show [PLAN]      Show a saved plan, or the state (--json, --format markdown)
  import ADDR ID   Bring an existing object under management
  state list|show ADDR|rm ADDR|mv FROM TO
                   Inspect or edit the state
  force-unlock ID  Remove a stuck state lock (only when sure no run holds it)
  emulate KIND     Run an emulator in the foreground: proxmox, maas or kuma
  docs             Write inventory documentation from state and live reads
  version          Print the version

Common options:
  -c, --config PATH      Config file or directory (default: homelab.yaml)
      --state PATH       State file (default: homelab.state.json)
      --var NAME=VALUE   Set a variable (repeatable); also --var-file FILE, HL_VAR_<name>
      --no-color         No colors (also when NO_COLOR is set)
      --json             Machine-readable output
  -h, --help             Help for a command

Exit codes: 0 success; 1 error; 2 changes present (plan --detailed-exitcode);
3 policy violation (plan; apply and destroy refuse the plan); 130 interrupted.
`;

const COMMANDS: Record<string, string> = {
  plan: `Usage: hl plan [OPTIONS]

Compares the config with the state and with a live read of every resource (refresh), and
prints the changes apply would make. Never changes anything.

Options:
  --out FILE             Save the plan for "hl apply FILE" (sensitive values are left out)
  --target ADDR          Plan only ADDR and what it depends on (repeatable)
  --replace ADDR         Plan to replace ADDR even if it could be updated (repeatable)
  --refresh=false        Skip the live reads; use state as it is
  --refresh-only         Only show drift and plan to record it in state
  --parallelism N        Concurrent provider calls (default 10)
  --detailed-exitcode    Exit 0 when no changes, 2 when there are changes, 1 on error
  --policy FILE          Extra policy rules to check the plan against (see below)
  --lock=false           Do not take the state lock; --lock-timeout 30s waits for it
  --json                 Print the plan in the shape of "terraform show -json", with
                         "policy_results" when there are policy rules

Policy rules (the config's "policies:" list, and "policies:" in --policy FILE):
  - { rule: no-destroy, match: { type: proxmox_vm } }   not deleted and not replaced
  - { rule: no-replace, match: { tag: protected } }     not replaced
  - { rule: max-changes, limit: 10 }                    at most 10 changes
  - { rule: no-changes-on-node, node: pve }             nothing with node: pve changes
  - { rule: prevent-destroy }                           report lifecycle.prevent_destroy
  Each may have name, message, severity: error (default) or warning, and match: with
  type, address (* wildcards), tag, node, provider. Schema: schemas/policy.schema.json.

Exit codes: 0 no changes (or changes without --detailed-exitcode); 2 changes present
(--detailed-exitcode); 3 a policy rule of severity error failed (checked before 2; a plan
saved with --out records the results, and "hl apply" refuses it); 1 error.
`,
  apply: `Usage: hl apply [PLANFILE] [OPTIONS]

Without PLANFILE: plans, shows the plan, asks for "yes" (or --auto-approve), then applies.
With PLANFILE (from "hl plan --out"): applies exactly that plan, refusing it if the state
or the config changed since. A plan that fails a policy rule of severity error (the
config's "policies:", or --policy when it was saved) is refused with exit code 3.

Options:
  --auto-approve         Do not ask
  --parallelism N        Concurrent operations (default 10)
  --target, --replace, --refresh, --refresh-only, --var, --var-file, --lock, --lock-timeout
  --json                 Stream progress as JSON events, one per line
`,
  destroy: `Usage: hl destroy [OPTIONS]

Plans the deletion of every resource in state (or --target ADDR and what depends on it),
shows it, asks for "yes" (or --auto-approve), and applies it. prevent_destroy is honoured,
and the config's policy rules are checked (exit code 3 when one of severity error fails).
`,
  validate: `Usage: hl validate [-c PATH]

Checks the config without contacting anything: YAML syntax, the schema of every block
(provider blocks included, as hl plan checks them), references, types, for_each/count,
cycles. Errors point at file:line:col. Variables without a value are unknown, not errors.
`,
  graph: `Usage: hl graph [--format dot|mermaid]

Prints the dependency graph of the config's resources.
`,
  output: `Usage: hl output [NAME] [--json]

Prints outputs recorded in state. Sensitive outputs are masked unless asked for by NAME with --json.
Takes no state lock: works while another run holds it.
`,
  show: `Usage: hl show [PLANFILE] [--json | --format markdown]

Shows a saved plan, or the current state when no plan file is given.
Takes no state lock: works while another run holds it.
`,
  import: `Usage: hl import ADDRESS ID

Reads the object with ID through its provider and records it in state at ADDRESS.
ADDRESS must be declared by the config: a block with count needs an index
(type.name[0]), one with for_each a key it produces (type.name["key"]; quote it for the
shell). An object state already manages at another address is refused (use hl state mv).
Example: hl import proxmox_vm.opnsense pve/101
         hl import 'maas_device.k3s["pve"]' k3s-vm-pve
`,
  state: `Usage: hl state list | show ADDRESS | rm ADDRESS | mv FROM TO

list   the addresses in state
show   one resource's attributes (sensitive values masked)
rm     forget a resource (the object itself is not touched)
mv     give a resource a new address (after renaming it in config)
list and show take no state lock: they work while another run holds it.
`,
  'force-unlock': `Usage: hl force-unlock LOCK_ID

Removes the state lock with that id. Only use it when the run that holds it is gone.
`,
  emulate: `Usage: hl emulate proxmox|maas|kuma [--port N] [--host ADDR] [--world FILE]

Runs an emulator in the foreground (loopback only) until interrupted, seeded with the
homelab and persisted in --world FILE.
`,
  docs: `Usage: hl docs [--out FILE] [--refresh=false]

Writes Markdown inventory documentation from state and live reads: per Proxmox node its
guests (CPU, memory, disks, networks, IPs and DNS names from MAAS, Uptime Kuma monitors,
passthrough devices), then what is on no node, then a Mermaid diagram of the dependency
graph. The page is deterministic (sorted, no timestamps), so it can be committed and
diffed; sensitive values never appear. Nothing is changed, state included.

Options:
  --out FILE             Write the page to FILE instead of standard output
  --refresh=false        Use state as it is, without reading anything live
  --var, --var-file      Variables the provider blocks need for the live reads
`,
  version: `Usage: hl version [--json]
`,
};

export function helpText(command?: string): string {
  if (command && COMMANDS[command]) return COMMANDS[command]!;
  return MAIN;
}
