import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { runCli } from "../../lib/cli/main";
import { loadCatalogFile } from "../../lib/catalog/load";

const ROOT = join(__dirname, "..", "..");
const CATALOG = join(ROOT, "stacks", "catalog.yaml");
const tmp = mkdtempSync(join(ROOT, ".tmp", "drift-"));
let n = 0;

function file(content: unknown, ext = "yaml"): string {
  const f = join(tmp, `input-${n++}.${ext}`);
  writeFileSync(
    f,
    typeof content === "string" ? content : ext === "json" ? JSON.stringify(content) : stringify(content),
  );
  return f;
}

async function drift(...args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(["drift", ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, lines: out.split("\n").filter(Boolean), err };
}

/** The lifecycle list that matches the default catalog exactly. */
function cleanGuests() {
  return loadCatalogFile(CATALOG)
    .catalog!.services.filter((s) => s.vm)
    .map((s) => ({ service: s.id, host: s.vm!.host, vmid: s.vm!.vmid, state: "active" }));
}

function lifecycle(edit: (g: Array<Record<string, unknown>>) => void = () => {}) {
  const guests: Array<Record<string, unknown>> = cleanGuests();
  edit(guests);
  return file({ version: 1, guests });
}

describe("backup-gov drift --lifecycle", () => {
  it("exits 0 with no finding when the list matches the catalog", async () => {
    const r = await drift("--lifecycle", lifecycle(), CATALOG);
    expect(r).toMatchObject({ code: 0, lines: [] });
    expect(r.err).toMatch(/no drift \(8 guest\(s\) in /);
  });

  it("reports an active guest that no job covers (unenrolled)", async () => {
    const r = await drift(
      "--lifecycle",
      lifecycle((g) => g.push({ host: "pve", vmid: 300, state: "active", name: "scratch" })),
      CATALOG,
    );
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      "unenrolled pve/300 -: active guest scratch is in no backup job; add it to a service's `vm`, or mark it decommissioned",
    ]);
  });

  it("does not report a decommissioned guest that is not enrolled", async () => {
    const r = await drift(
      "--lifecycle",
      lifecycle((g) => g.push({ host: "pve", vmid: 300, state: "decommissioned" })),
      CATALOG,
    );
    expect(r.code).toBe(0);
  });

  it("reports an enrolled guest the list does not know (not-in-lifecycle), hinting at a new vmid", async () => {
    const r = await drift(
      "--lifecycle",
      lifecycle((g) => {
        const i = g.findIndex((x) => x.service === "paperless");
        g[i] = { ...g[i], vmid: 221 };
      }),
      CATALOG,
    );
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      "not-in-lifecycle pve/220 paperless: enrolled for service paperless, but the lifecycle list does not know the guest (the list has service paperless as pve/221: did the guest get a new vmid?)",
      "unenrolled pve/221 paperless: active guest is in no backup job; service paperless enrolls pve/220 instead",
    ]);
  });

  it("reports an enrolled guest the list marks decommissioned", async () => {
    const r = await drift(
      "--lifecycle",
      lifecycle((g) => (g.find((x) => x.service === "jellyfin")!.state = "decommissioned")),
      CATALOG,
    );
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      expect.stringMatching(
        /^decommissioned proxmox-home\/140 jellyfin: enrolled for service jellyfin, but the lifecycle list marks the guest decommissioned/,
      ),
    ]);
  });

  it("reports a vmid that moved host", async () => {
    const r = await drift(
      "--lifecycle",
      lifecycle((g) => (g.find((x) => x.service === "gitea")!.host = "pve")),
      CATALOG,
    );
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      "moved proxmox-home/160 gitea: enrolled on host proxmox-home, but the lifecycle list has the guest on host pve: set `vm.host: pve` so its job runs where it lives",
    ]);
  });

  it("reports a guest the list and the catalog give to different services (mismatch)", async () => {
    const r = await drift(
      "--lifecycle",
      lifecycle((g) => (g.find((x) => x.service === "unifi")!.service = "controller")),
      CATALOG,
    );
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      expect.stringMatching(
        /^mismatch proxmox-home\/120 unifi: the catalog enrolls this guest for service unifi, the lifecycle list says it runs controller/,
      ),
    ]);
  });

  it("accepts JSON as well as YAML", async () => {
    const f = file({ version: 1, guests: cleanGuests() }, "json");
    expect((await drift("--lifecycle", f, CATALOG)).code).toBe(0);
  });

  it.each([
    [
      { version: 1, guests: [{ host: "pve", vmid: 204, state: "retired" }] },
      /DRIFT-001: .* is not a valid input: 5:\d+: guests\[0\]\.state: /,
    ],
    [{ version: 2, guests: [] }, /DRIFT-001: .*: 1:\d+: version: /],
    [
      {
        version: 1,
        guests: [
          { host: "pve", vmid: 204, state: "active" },
          { host: "pve", vmid: 204, state: "active" },
        ],
      },
      /DRIFT-001: .*guests\[1\] lists pve\/204 again \(first at guests\[0\]\)/,
    ],
    ["version: 1\nguests: [\n", /DRIFT-001: .*: \d+:\d+: /],
    [
      "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
      /DRIFT-001: .*YAML aliases expand too far/,
    ],
  ])("exits 2 on a malformed list %#, saying where", async (content, message) => {
    const r = await drift("--lifecycle", file(content), CATALOG);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([]);
    expect(r.err).toMatch(message);
  });
});

describe("backup-gov drift --not-backed-up", () => {
  const answer = {
    data: [
      { vmid: 204, name: "vaultwarden", type: "qemu" },
      { vmid: 777, name: "forgotten", type: "lxc" },
    ],
  };

  it("reports every guest no job covers, saying whether the catalog enrolls it", async () => {
    const r = await drift("--not-backed-up", file(answer, "json"), CATALOG);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      "not-backed-up pve/204 vaultwarden: qemu guest vaultwarden is covered by no backup job, though the catalog enrolls it for service vaultwarden on pve: apply the Proxmox stack, and check that the job's guests and storage exist",
      "not-backed-up ?/777 -: lxc guest forgotten is covered by no backup job and is not in the catalog: enroll it in a service's `vm`, or exclude it deliberately",
    ]);
  });

  it("reads the bare list pvesh prints, scopes matching to --host, and exits 0 on an empty answer", async () => {
    const r = await drift("--not-backed-up", file(answer.data, "json"), "--host", "proxmox-home", CATALOG);
    expect(r.lines.map((l) => l.split(":")[0])).toEqual([
      "not-backed-up proxmox-home/204 -",
      "not-backed-up proxmox-home/777 -",
    ]);
    expect((await drift("--not-backed-up", file({ data: [] }, "json"), CATALOG)).code).toBe(0);
  });

  it("combines both inputs into one report", async () => {
    const r = await drift(
      "--lifecycle",
      lifecycle((g) => g.push({ host: "pve", vmid: 300, state: "active" })),
      "--not-backed-up",
      file(answer, "json"),
      CATALOG,
    );
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(3);
  });

  it.each([
    ["not json", /DRIFT-001: .*not JSON/],
    [JSON.stringify({ data: [{ vmid: "x", type: "qemu" }] }), /DRIFT-001: .*\[0\]\.vmid/],
    [JSON.stringify([{ vmid: 100, type: "vm" }]), /DRIFT-001: .*\[0\]\.type/],
  ])("exits 2 on a malformed answer %#", async (content, message) => {
    const r = await drift("--not-backed-up", file(content, "json"), CATALOG);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe("backup-gov drift usage errors", () => {
  it("exits 2 without an input, with a missing file, an unknown --host or an invalid catalog", async () => {
    expect((await drift(CATALOG)).err).toMatch(/DRIFT-002: nothing to compare/);
    expect((await drift(CATALOG)).code).toBe(2);
    const missing = await drift("--lifecycle", join(tmp, "nope.yaml"), CATALOG);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/IO-002: cannot read .*nope\.yaml: no such file/);
    const host = await drift("--not-backed-up", file([], "json"), "--host", "pve2", CATALOG);
    expect(host.code).toBe(2);
    expect(host.err).toMatch(/DRIFT-004: --host pve2 is not a host of the catalog.*allowed: proxmox-home, pve/);
    const bad = file("version: 1\nname: x\nservices: [{ id: a }]\n");
    const invalid = await drift("--lifecycle", lifecycle(), bad);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toMatch(/DRIFT-003: .* has \d+ error\(s\)/);
  });

  it("sets the process exit code of the real binary (1 on drift), without a stack trace", () => {
    const bin = join(ROOT, "node_modules", ".bin", "tsx");
    const r = spawnSync(
      bin,
      [join(ROOT, "lib", "cli", "bin.ts"), "drift", "--lifecycle", lifecycle((g) => g.pop()), CATALOG],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
