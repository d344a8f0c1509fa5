import { terminalText } from "../core/escape/terminal";
import type { Catalog, Service, ServiceVm } from "../catalog/model";
import type { LifecycleGuest, LifecycleList, NotBackedUpGuest } from "./lifecycle";

/** Kinds of drift between the catalog and the estate's reality. */
export enum DriftKind {
  /** An active guest of the lifecycle list is in no backup job. */
  UNENROLLED = "unenrolled",
  /** An enrolled guest the lifecycle list does not know. */
  NOT_IN_LIFECYCLE = "not-in-lifecycle",
  /** An enrolled guest the lifecycle list marks decommissioned. */
  DECOMMISSIONED = "decommissioned",
  /** A service's vmid is enrolled on one host but lives on another. */
  MOVED = "moved",
  /** The lifecycle list says a guest runs another service than the catalog says. */
  MISMATCH = "mismatch",
  /** Proxmox reports a guest that no backup job covers. */
  NOT_BACKED_UP = "not-backed-up",
}

/** One difference, printed as one line. */
export interface DriftFinding {
  readonly kind: DriftKind;
  readonly host?: string;
  readonly vmid: number;
  readonly service?: string;
  readonly message: string;
}

/**
 * `moved pve/204 vaultwarden: ...`, one line whatever the inputs held: guest names come from
 * the estate's files and API answers, and a newline or an escape sequence in one must not
 * forge a finding line or reach the terminal (lib/core/escape/terminal).
 */
export function formatDrift(f: DriftFinding): string {
  return terminalText(`${f.kind} ${f.host ?? "?"}/${f.vmid} ${f.service ?? "-"}: ${f.message}`);
}

const key = (host: string, vmid: number) => `${host}/${vmid}`;

/**
 * Compares the lifecycle list with the catalog's enrollments: every active guest not
 * enrolled, every enrolled guest unknown to the list or decommissioned in it, every vmid
 * that moved host, and every guest the two disagree about.
 */
export function compareLifecycle(catalog: Catalog, list: LifecycleList): DriftFinding[] {
  const out: DriftFinding[] = [];
  const byKey = new Map(list.guests.map((g) => [key(g.host, g.vmid), g]));
  const matched = new Set<LifecycleGuest>();
  const enrolled = catalog.services.filter((s): s is Service & { vm: NonNullable<Service["vm"]> } => !!s.vm);

  for (const s of enrolled) {
    const { host, vmid } = s.vm;
    const entry = byKey.get(key(host, vmid));
    if (entry) {
      matched.add(entry);
      if (entry.state === "decommissioned") {
        out.push({
          kind: DriftKind.DECOMMISSIONED,
          host,
          vmid,
          service: s.id,
          message: `enrolled for service ${s.id}, but the lifecycle list marks the guest decommissioned: remove \`vm\` from the service (or the service), or correct the list`,
        });
      } else if (entry.service && entry.service !== s.id) {
        out.push({
          kind: DriftKind.MISMATCH,
          host,
          vmid,
          service: s.id,
          message: `the catalog enrolls this guest for service ${s.id}, the lifecycle list says it runs ${entry.service}: one of them names the wrong guest`,
        });
      }
      continue;
    }
    const moved = list.guests.find((g) => g.vmid === vmid && g.host !== host && g.service === s.id);
    if (moved) {
      matched.add(moved);
      out.push({
        kind: DriftKind.MOVED,
        host,
        vmid,
        service: s.id,
        message: `enrolled on host ${host}, but the lifecycle list has the guest on host ${moved.host}: set \`vm.host: ${moved.host}\` so its job runs where it lives`,
      });
      continue;
    }
    const elsewhere = list.guests.find((g) => g.service === s.id);
    const hint = elsewhere
      ? ` (the list has service ${s.id} as ${key(elsewhere.host, elsewhere.vmid)}: did the guest get a new vmid?)`
      : "";
    out.push({
      kind: DriftKind.NOT_IN_LIFECYCLE,
      host,
      vmid,
      service: s.id,
      message: `enrolled for service ${s.id}, but the lifecycle list does not know the guest${hint}`,
    });
  }

  for (const g of list.guests) {
    if (matched.has(g) || g.state !== "active") continue;
    const svc = g.service ? catalog.services.find((s) => s.id === g.service) : undefined;
    const why = !g.service
      ? "add it to a service's `vm`, or mark it decommissioned"
      : svc
        ? svc.vm
          ? `service ${g.service} enrolls ${key(svc.vm.host, svc.vm.vmid)} instead`
          : `service ${g.service} has no \`vm\`: add \`vm: { host: ${g.host}, vmid: ${g.vmid} }\``
        : `service ${g.service} is not in the catalog: add it`;
    out.push({
      kind: DriftKind.UNENROLLED,
      host: g.host,
      vmid: g.vmid,
      service: g.service,
      message: `active guest${g.name ? ` ${g.name}` : ""} is in no backup job; ${why}`,
    });
  }
  return sortDrift(out);
}

/**
 * Every guest Proxmox reports as not covered by any job. `host` is the catalog host the
 * answer came from, when known; otherwise guests are matched by vmid on every host.
 */
export function compareNotBackedUp(
  catalog: Catalog,
  guests: readonly NotBackedUpGuest[],
  host?: string,
): DriftFinding[] {
  const enrolled = catalog.services.filter(
    (s): s is Service & { readonly vm: ServiceVm } => s.vm !== undefined && (host === undefined || s.vm.host === host),
  );
  return sortDrift(
    guests.map((g) => {
      const svc = enrolled.filter((s) => s.vm.vmid === g.vmid);
      const what = `${g.type} guest${g.name ? ` ${g.name}` : ""}`;
      const message = svc.length
        ? `${what} is covered by no backup job, though the catalog enrolls it for ${svc.map((s) => `service ${s.id} on ${s.vm.host}`).join(" and ")}: apply the Proxmox stack, and check that the job's guests and storage exist`
        : `${what} is covered by no backup job and is not in the catalog: enroll it in a service's \`vm\`, or exclude it deliberately`;
      return {
        kind: DriftKind.NOT_BACKED_UP,
        host: host ?? (svc.length === 1 ? svc[0].vm.host : undefined),
        vmid: g.vmid,
        service: svc.length === 1 ? svc[0].id : undefined,
        message,
      };
    }),
  );
}

function sortDrift(findings: DriftFinding[]): DriftFinding[] {
  // Guests of an unknown host go last.
  return findings.sort(
    (a, b) =>
      Number(a.host === undefined) - Number(b.host === undefined) ||
      (a.host ?? "").localeCompare(b.host ?? "") ||
      a.vmid - b.vmid ||
      a.kind.localeCompare(b.kind),
  );
}
