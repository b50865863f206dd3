/** The text of `hl --help` and `hl COMMAND --help`. */
import { HL_VERSION } from '../version.js';

const MAIN = `hl ${HL_VERSION} — declarative homelab infrastructure (Proxmox, MAAS, Uptime Kuma, Coral TPU)

Usage: hl [-chdir=DIR] COMMAND [ARGS] [OPTIONS]

Main commands:
  plan             Show what apply would change (compare config, state and live reads)
  apply [PLAN]     Make the changes: plan and ask, or apply a plan saved with --out
  destroy          Destroy everything in state (asks first)

Other commands:
  validate         Check the config: syntax, references, types, cycles
  graph            Print the dependency graph (--format dot|mermaid)
  output [NAME]    Show output values from state (-json, -raw NAME)
  show [PLAN]      Show a saved plan, or the state (--json, --format markdown)
  import ADDR ID   Bring an existing object under management
  state list|show|rm|mv|pull|push|history|migrate
                   Inspect, edit, copy or move the state (hl state --help)
  workspace list|new|select|show|delete
                   Separate states for one config (default, staging, ...)
  force-unlock ID  Remove a stuck state lock (only when sure no run holds it)
  emulate KIND     Run an emulator in the foreground: proxmox, maas or kuma
  docs             Write inventory documentation from state and live reads
  placement        The cluster's balance, and moves that would relieve an overloaded node
  watch            Keep reconciling: plan every interval, revert allowed drift, report the rest
  fmt [PATH...]    Rewrite config files in canonical layout (-check, -diff, -recursive)
  console          Evaluate expressions from stdin against the config and state
  providers        The provider instances: type, emulated or real, endpoint, resources
  completion SHELL Print the completion script for bash, zsh or fish
  version          Print the versions of hl and Node, and the emulator profiles

Common options:
      --chdir DIR        Run as if started in DIR (config, state, .hl/, --var-file)
  -c, --config PATH      Config file or directory (default: homelab.yaml)
      --state PATH       State file (default: homelab.state.json beside the config)
      --backend file|pg  Where the state lives (also HL_BACKEND, HL_PG_CONN_STR, hl.backend)
      --var NAME=VALUE   Set a variable (repeatable); also --var-file FILE, HL_VAR_<name>
      --no-color         No colors (also when NO_COLOR is set)
      --json             Machine-readable output
  -h, --help             Help for a command

Terraform's habits: every option may be written with one dash, as Terraform does
(-target=ADDR, -var 'a=b', -var-file=F, -auto-approve, -refresh=false, -lock=false,
-lock-timeout=30s, -parallelism=N, -out=FILE, -state=PATH, -no-color, -json, -help), and
options may come before the command (hl -chdir=DIR plan, hl -no-color plan). After one
dash comes one option name, never a cluster of one-letter options: -chdir=DIR is never
-c hdir=DIR, and an option hl does not know is always an error naming it. Durations are
Go's (30s, 5m, 1h30m, 0s; a bare number is seconds). Where hl differs:
  -input=false           Accepted: hl never asks for variable values (one without a
                         value is an error); apply and destroy then ask nothing either,
                         so without -auto-approve they change nothing
  -compact-warnings      Accepted; has no effect
  plan -destroy          Plans destroying everything; save it with -out, apply the file
  apply -destroy         Is hl destroy
  -state-out, -backup    Refused: hl writes the state back where it read it, and keeps
                         the previous version itself

The state lives in a backend: the file backend (default) keeps homelab.state.json and .hl/
beside the config; the pg backend keeps it in PostgreSQL (--backend pg, HL_BACKEND=pg,
HL_PG_CONN_STR=postgres://USER@HOST/DB, or hl: { backend: { type: pg } } in the config),
with PG* variables for what the URL leaves out and the password in PGPASSWORD or ~/.pgpass
(never in the config).
The workspace is HL_WORKSPACE, else the one "hl workspace select" chose, else default.

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
  --destroy              Plan the destruction of everything in state (as hl destroy
                         would); with --out, "hl apply FILE" carries it out
  --lock=false           Do not take the state lock; --lock-timeout 30s waits for it
  --json                 Stream Terraform's machine-readable UI, one JSON object a line
                         (the whole plan as one document: --out F, then hl show --json F)

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
  --input=false          Do not ask either: without --auto-approve, nothing is changed
  --destroy              Be "hl destroy" (Terraform's apply -destroy)
  --parallelism N        Concurrent operations (default 10)
  --target, --replace, --refresh, --refresh-only, --var, --var-file, --lock, --lock-timeout
  --json                 Stream Terraform's machine-readable UI, one JSON object a line
                         (needs --auto-approve or PLANFILE, as Terraform)
`,
  destroy: `Usage: hl destroy [OPTIONS]

Plans the deletion of every resource in state (or --target ADDR and what depends on it),
shows it, asks for "yes" (or --auto-approve), and applies it. prevent_destroy is honoured,
and the config's policy rules are checked (exit code 3 when one of severity error fails).
"hl apply --destroy" is the same; "hl plan --destroy --out FILE" saves such a plan.
`,
  validate: `Usage: hl validate [-c PATH] [--json]

Checks the config without contacting anything: YAML syntax, the schema of every block
(provider blocks included, as hl plan checks them), references, types, for_each/count,
cycles. Errors point at file:line:col. Variables without a value are unknown, not errors.
--json streams them as "diagnostic" lines of Terraform's machine-readable UI.
`,
  graph: `Usage: hl graph [--format dot|mermaid]

Prints the dependency graph of the config's resources.
`,
  output: `Usage: hl output [NAME] [--json] | hl output -raw NAME

Prints outputs recorded in state as Terraform does: name = value, lists and maps over
several lines, a sensitive one as <sensitive>. With NAME, that output's value.
  -json          JSON (one object; with NAME, its value, shown even when sensitive)
  -raw NAME      a string, number or bool as it is, with no newline (for scripts;
                 shown even when sensitive); lists and maps are refused (use -json)
Takes no state lock: works while another run holds it.
`,
  show: `Usage: hl show [PLANFILE] [--json | --format markdown]

Shows a saved plan, or the current state when no plan file is given.
With --json, a plan file is printed as Terraform's plan JSON ("terraform show -json"),
with its configuration, prior state and the time it was made.
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
  state: `Usage: hl state SUBCOMMAND [ARGS] [OPTIONS]

list [PREFIX] [--json] the addresses in state (those starting with PREFIX); --json: an
                       array of {address, mode, type, name, module, index, provider, id,
                       status}, never an attribute
show ADDRESS           one resource's attributes (sensitive values masked)
show --serial N [ADDRESS]
                       version N of the state as stored, or ADDRESS as it was in it
rm ADDRESS             forget a resource (the object itself is not touched)
mv FROM TO             give a resource a new address (after renaming it in config)
pull                   print the current state (journal replayed) in the state file's
                       format; warns on stderr when operations are pending
push FILE [--force]    replace the state by FILE. Refused: another lineage, an older
                       serial, the same serial with other content (unless --force), and
                       always while operations are pending (run hl apply first). The
                       serial is raised above the current one when needed.
history [--json]       the stored versions: serial, time, who, hl version, resources,
                       sha256 (the file backend keeps the current state and its backup)
migrate --to file|pg [--force]
                       copy the selected workspace's state and journal (pending
                       operations included) from the backend this run uses to the
                       other, lineage and serial kept; the copy is read back and
                       checked, the source left as it was. A destination that already
                       holds a state is refused unless --force. --state names the file
                       backend's state file (the destination's with --to file).
                       Example: hl state migrate --backend file --to pg

list, show, pull and history take no state lock: they work while another run holds it.
rm, mv, push and migrate take it (--lock-timeout 30s waits for it).
`,
  workspace: `Usage: hl workspace list [--json] | new NAME | select NAME | show | delete NAME [--force]

A workspace is a separate state for the same config (default, staging, ...), in the backend
the run uses: the file backend keeps workspace W in homelab.state.d/W/ beside the state
file, the pg backend in its tables. The selected one is written to .hl/environment beside
the config; HL_WORKSPACE overrides it.

list     the workspaces, the selected one marked with *, each with its serial and resources
new      create an empty workspace and select it
select   select an existing workspace
show     print the selected workspace's name
delete   delete a workspace and its state, under its lock. Refused for default, for the
         selected one, and, unless --force, for one whose state holds resources or pending
         operations (the objects themselves are never touched)
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
  placement: `Usage: hl placement [--cpu-threshold PERCENT] [--memory-threshold PERCENT] [--json]

Reports the balance of each cluster: per node its CPU load on its cores, the memory its
running guests are given (committed) and the memory in use against its memory, and vCPUs
against cores. A node is overloaded above the CPU threshold (default 60 %) or the memory
threshold (default 90 % committed). For each overloaded node it lists the guests hl manages
there that would relieve it, busiest first, each with the node that has room for it and the
config change to make, at its file:line:col:
  examples/homelab.yaml:95:5  proxmox_lxc.uptime_kuma: node: fun-bedbug -> node: pumped-piglet
and the guests that stay, with why (a Coral or other hardware passed through on that node,
storage no other node has, no room elsewhere). Estimates move a guest's busy cores (its CPU
load × its vCPUs) from one node's cores to the other's. Nothing is changed: make the change
in the config and hl plan shows the migration. Exit code 0 whatever the balance.

Options:
  --cpu-threshold PERCENT      CPU load above which a node is overloaded (default 60)
  --memory-threshold PERCENT   Memory committed above which a node is overloaded (default 90)
  --json                       One JSON document: clusters, nodes, overloaded nodes, moves
  --var, --var-file            Variables the provider blocks need
`,
  watch: `Usage: hl watch [--interval DURATION] [--once] [--listen HOST:PORT] [--heartbeat ADDR]
                [--policy FILE]

Runs until stopped: every interval (with ±10 % jitter) it refreshes and plans under the
shared state lock, and decides for each change found whether to apply it unattended or only
report it. It applies an update in place of a resource whose lifecycle.on_drift is revert;
it reports drift of resources with on_drift: report (the default), and every create, delete
or replacement (a guest deleted behind hl's back is reported, not recreated) unless a
policy rule allows it ({ rule: unattended, allow: [create, delete, replace], match: ... }),
and anything a policy rule of severity error forbids. To apply, it takes the exclusive lock,
plans again against the state as it is then, targeted at those resources, and applies that
plan, so it never interleaves with an hl apply elsewhere. Interrupted operations of an
earlier run (a watcher or apply killed) are recovered as any apply recovers them.

It logs one JSON object per line on standard output (time, level, event: watch_start,
cycle_start, drift, reported, reverted, apply_error, apply_skipped, recovered, cycle_end,
backoff, lock_wait, status_listening, config_changed, config_reloaded,
config_reload_failed, stopping, stopped, heartbeat, heartbeat_failed, diagnostic). After a
failed cycle (a provider unreachable, the state lock still held after --lock-timeout) it
waits longer (the interval doubled per failure, at most 8 intervals or an hour). When the
config's files change, or on SIGHUP, it loads the config again (an invalid one is refused,
the last good one kept) and runs a cycle; SIGTERM or Ctrl-C starts nothing new, lets an apply in flight finish the
operations it started, releases the lock and exits 0.

Options:
  --interval DURATION    Time between cycles (default 5m; at least 1s)
  --once                 One cycle, then exit: 0 when converged or all reported, 1 on failure
  --listen HOST:PORT     Answer GET /healthz and /metrics (Prometheus) on loopback
                         (127.0.0.1, ::1 or localhost; port 0 picks one, logged)
  --heartbeat ADDR       After each cycle, push to this Uptime Kuma push monitor hl
                         manages (e.g. kuma_monitor.hl_watch, applied): up with the
                         cycle's time, or down with why; it pages when pushes stop
  --policy FILE          Policy rules besides the config's
  --lock-timeout DURATION  How long a cycle waits for the state lock (default one interval)
  --parallelism N        Operations at once (default 10)
  --var, --var-file      Variables
`,
  completion: `Usage: hl completion bash|zsh|fish

Prints the shell's completion script: commands, options, and resource addresses from state
for --target, --replace, --heartbeat, state show/rm/mv and import.
  bash:  source <(hl completion bash)          (in ~/.bashrc)
  zsh:   source <(hl completion zsh)           (in ~/.zshrc)
  fish:  hl completion fish > ~/.config/fish/completions/hl.fish
`,
  fmt: `Usage: hl fmt [-check] [-diff] [-recursive] [PATH...]

Rewrites config files (*.yaml, *.yml of each PATH, by default the current directory) in
canonical layout and lists the files it changed. Comments are kept; blocks and attributes
keep their order, except that a resource or data block starts with its meta-arguments
(provider, count, for_each, depends_on) and ends with lifecycle; two-space indentation; a
one-line string holding \${ is double-quoted, any other one-line string plain where YAML
reads it back the same; block scalars and flow collections stay. Never changes meaning.
  -check       Write nothing; list the files not in canonical layout and exit 3 if any
  -diff        Print a unified diff of each change
  -recursive   Also the subdirectories (not dot-directories or node_modules)
`,
  console: `Usage: hl console [--var NAME=VALUE] < EXPRESSIONS

Evaluates expressions, one a line from standard input, as the config would evaluate them,
and prints each value (as terraform console): var.x, local.k3s, module.k3s_node["pve"].vm_id,
proxmox_vm.maas.name, [for k, v in local.k3s : v.vmid]. A resource's value comes from state
where it has been applied, from its config block otherwise (attributes only known after
apply print as (known after apply)); sensitive values print as (sensitive value). An error
for one line is printed and the next lines go on; the exit code is then 1. No provider is
contacted, nothing is locked or written.
Example: echo 'module.k3s_node["pve"].vm_id' | hl console
`,
  providers: `Usage: hl providers [-json]

Lists each provider instance the config (or the state) uses: its key (proxmox,
kuma.fun-bedbug), type, whether it is emulated (emulated: true) or real, the endpoint or
url of its block (credentials cut out), and how many resource and data blocks use it and
how many instances state holds. Nothing is contacted; no secret is shown.
`,
  version: `Usage: hl version [-json]   (also hl -version, hl --version, hl -v)

Prints hl's version (the first line, "hl X.Y.Z"), the Node.js it runs on, and the releases
each emulator can play (pve_version, maas_version, kuma's version). -json: one object with
hl_version, node_version, platform and emulators.
`,
};

export function helpText(command?: string): string {
  if (command && COMMANDS[command]) return COMMANDS[command]!;
  return MAIN;
}
