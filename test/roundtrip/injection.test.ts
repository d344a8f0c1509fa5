/**
 * No catalog value reaches shell code except through the quoted config. Every catalog
 * string that reaches a host gets metacharacters, quotes and newlines (as far as the
 * catalog schema lets them through: restore.secrets, app.paths, app.excludes,
 * app.repository, app.database; every string of the construct's props below), and the
 * generated scripts are run: nothing may execute, and each value must arrive as written.
 *
 * Each payload would create a file in the canary folder if any script ran it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { renderBundleFiles } from "../../lib/artifacts/app/bundle";
import { AppBackup, AppBackupDestination } from "../../lib/constructs/app-backup";
import { Construct } from "../../lib/core/cdk";
import { Duration } from "../../lib/core/duration";
import { Retention } from "../../lib/core/retention";
import { AppEngine } from "../../lib/core/vocabulary";
import { synthesizeCatalog } from "../../lib/estate/synth";
import { cleanup, requireTools, ROOT, runScript, scratch, writeFiles, fileDigests } from "./support";

jest.setTimeout(300_000);

/** Payloads without whitespace (the schema refuses whitespace in most strings), and ones with it where it may appear. */
function payloads(canary: string, tag: string): { compact: string; spaced: string } {
  return {
    compact: `$(touch\${IFS}${canary}/${tag}-1)\`touch\${IFS}${canary}/${tag}-2\`'\${IFS}\"$(touch\${IFS}${canary}/${tag}-3)\"`,
    spaced: `x"; touch ${canary}/${tag}-4; "\n$(touch ${canary}/${tag}-5)\n'; touch ${canary}/${tag}-6; '`,
  };
}

describe("catalog values with shell metacharacters, quotes and newlines never execute", () => {
  let dir: string;
  let canary: string;
  const fired = () => (existsSync(canary) ? readdirSync(canary) : []);

  beforeAll(() => {
    requireTools("restic", "jq");
    dir = scratch("injection");
    canary = join(dir, "canary");
    mkdirSync(canary);
  });
  afterAll(() => {
    if (dir) cleanup(dir);
  });

  it("through the catalog: validate accepts, synth builds, and every generated script of every host runs without executing a value", () => {
    const doc = parseDocument(readFileSync(join(ROOT, "stacks", "catalog.yaml"), "utf8"));
    const services = doc.get("services") as {
      items: Array<{ get(k: string): unknown; setIn(p: unknown[], v: unknown): void; getIn(p: unknown[]): unknown }>;
    };
    const secrets = new Map<string, string>();
    for (const s of services.items) {
      const id = String(s.get("id"));
      if (s.getIn(["restore", "secrets"]) !== undefined) {
        const ref = `vault:kv/${payloads(canary, `secrets-${id}`).compact}`;
        s.setIn(["restore", "secrets"], ref);
        secrets.set(id, ref);
      }
      if (s.getIn(["app", "engine"]) === "files") {
        s.setIn(["app", "paths"], ["/srv/photos", `/srv/${payloads(canary, `path-${id}`).compact}`]);
        s.setIn(["app", "excludes"], ["*.tmp", payloads(canary, `exclude-${id}`).spaced]);
      }
      if (s.getIn(["app", "database"]) !== undefined) s.setIn(["app", "database"], "db$HOME$IFS");
      if (id === "photos") {
        // A NAS repository (it reaches the units' ReadWritePaths= and restic); such a copy is not offsite.
        s.setIn(["app", "repository"], `/mnt/nas/${payloads(canary, "repository").compact}`);
        s.setIn(["offsite"], doc.createNode({ required: false, reason: "the NAS copy is enough for this test" }));
      }
    }
    const file = join(dir, "catalog.yaml");
    writeFileSync(file, doc.toString());
    const out = join(dir, "synth");
    const r = synthesizeCatalog(file, out);
    expect(r.report.ok).toBe(true);

    let ran = 0;
    const hosts = join(out, "artifacts", "hosts");
    // Every host folder of the output reads the one runtime written beside them.
    const runtime = join(hosts, "_runtime");
    expect(readFileSync(join(runtime, "VERSION"), "utf8")).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}\n$/);
    for (const host of readdirSync(hosts).filter((h) => !h.endsWith(".tar.gz") && h !== "_runtime")) {
      expect(existsSync(join(hosts, host, "runtime"))).toBe(false);
      for (const svc of readdirSync(join(hosts, host)).filter((s) =>
        existsSync(join(hosts, host, s, "service.conf")),
      )) {
        const folder = join(hosts, host, svc);
        const env = {
          BACKUP_GOV_RUNTIME_DIR: runtime,
          BACKUP_GOV_STATE_DIR: join(dir, "state", svc),
          BACKUP_GOV_CACHE_DIR: join(dir, "cache", svc),
          BACKUP_GOV_TEXTFILE_DIR: join(dir, "textfile"),
          BACKUP_GOV_AWS_CREDENTIALS: "none",
          BACKUP_GOV_SPOOL_DIR: join(dir, "spool", svc),
        };
        for (const script of ["backup.sh", "restore.sh", "verify.sh"]) {
          expect(runScript(join(folder, script), ["--help"], join(folder, "env"), env).code).toBe(0);
          // A real run reads service.conf and the generated env file, and stops where the secret files are missing.
          const run = runScript(
            join(folder, script),
            script === "restore.sh" ? ["--list"] : [],
            join(folder, "env"),
            env,
          );
          expect({ svc, script, code: run.code }).toEqual({ svc, script, code: 3 });
          ran++;
          // Where it gets that far, the message names restore.secrets exactly as the catalog wrote it.
          if (run.stderr.includes("the repository password"))
            expect(run.stderr).toContain(`fetch it from ${secrets.get(svc)}`);
        }
        expect(
          spawnSync("bash", ["-c", 'set -eu; . "$1"', "_", join(folder, "env")], { encoding: "utf8" }).status,
        ).toBe(0);
      }
      // install.sh reads every service.conf of the bundle (here only as far as the version check: it must run as root into the real paths).
      const listed = spawnSync(
        "bash",
        [
          "-c",
          `. "$1/service.conf"; printf '%s\\n' "\${PATHS[@]}" "\${EXCLUDES[@]}" "$SECRETS_REF"`,
          "_",
          join(hosts, host, "photos"),
        ],
        { encoding: "utf8" },
      );
      if (existsSync(join(hosts, host, "photos")))
        expect(listed.stdout).toContain(`/srv/${payloads(canary, "path-photos").compact}\n`);
    }
    expect(ran).toBeGreaterThanOrEqual(18);
    for (const hook of readdirSync(join(out, "artifacts", "proxmox")).map((h) =>
      join(out, "artifacts", "proxmox", h, "vzdump-hook.sh"),
    )) {
      for (const vmid of ["120", "130", "204", "210"]) {
        const r = spawnSync("bash", [hook, "backup-end", "snapshot", vmid], {
          encoding: "utf8",
          env: { ...process.env, BACKUP_GOV_TEXTFILE_DIR: join(dir, "vz"), BACKUP_GOV_STATE_DIR: join(dir, "vzstate") },
        });
        expect(r.status).toBe(0);
      }
    }
    expect(fired()).toEqual([]);
  });

  it("through the construct: backup, drill and restore of paths, excludes, repository and secrets full of metacharacters, quotes and newlines", () => {
    const p = payloads(canary, "deep");
    const base = join(dir, "deep");
    // Real folders and a repository whose names are the payloads.
    const data = join(base, `data ${p.compact}`, p.spaced);
    for (const [path, size] of [
      ["a.bin", 5000],
      [`${p.compact}.txt`, 10],
      ["skip/x.log", 7],
    ] as const) {
      mkdirSync(join(data, path, ".."), { recursive: true });
      writeFileSync(join(data, path), Buffer.alloc(size, path));
    }
    const repo = join(base, `repo-${p.compact}`);
    const layout = {
      prefix: join(base, "prefix"),
      configDir: join(base, "etc"),
      stateDir: join(base, "state"),
      cacheDir: join(base, "cache"),
      textfileDir: join(base, "textfile"),
    };
    const root = new Construct(undefined as unknown as Construct, "injection");
    const backup = new AppBackup(root, "deep", {
      estate: `estate ${p.spaced}`,
      serviceId: "deep",
      // The host and the secrets reference must have the catalog's formats (APP-007: a host names a
      // folder, a reference is written into SQL comments); within them, the reference still carries
      // $(...), backticks and quotes.
      host: "deep-host.internal",
      engine: AppEngine.FILES,
      paths: [data],
      excludes: ["*.log", `no-such-name ${p.spaced}`],
      destination: AppBackupDestination.repository(repo),
      secretsRef: `vault:${p.compact}`,
      retention: Retention.of({ daily: 2 }),
      rpo: Duration.parse("1d"),
      rto: Duration.parse("4h"),
      layout,
    });
    // The real install.sh of the host bundle puts the runtime and the service in place (units into a scratch folder; no systemd here).
    // As the tarball unpacks: the host's folder and _runtime/ beside it.
    const unpacked = join(base, "bundle");
    writeFiles(unpacked, renderBundleFiles(backup.spec.host, [backup.spec]));
    const bundle = join(unpacked, backup.spec.host);
    expect(existsSync("/run/systemd/system")).toBe(false);
    const install = spawnSync(join(bundle, "install.sh"), ["--no-enable"], {
      encoding: "utf8",
      env: { ...process.env, BACKUP_GOV_UNIT_DIR: join(base, "units") },
    });
    expect(install.stderr).toBe("");
    expect(install.status).toBe(0);
    expect(readdirSync(join(base, "units")).sort()).toEqual([
      "backup-gov-deep-backup.service",
      "backup-gov-deep-backup.timer",
      "backup-gov-deep-drill.service",
      "backup-gov-deep-drill.timer",
    ]);
    const envFile = join(layout.configDir, "deep", "env");
    writeFileSync(join(layout.configDir, "deep", "repository-password"), "pw\n", { mode: 0o600 });
    mkdirSync(layout.textfileDir, { recursive: true });
    mkdirSync(join(base, "drill"));
    const scripts = join(layout.prefix, "deep");
    const run = (script: string, args: string[] = []) => {
      const r = runScript(join(scripts, script), args, envFile, { BACKUP_GOV_DRILL_DIR: join(base, "drill") });
      if (r.code !== 0) throw new Error(`${script} exit ${r.code}\n${r.stderr.slice(-3000)}`);
      return r;
    };
    run("backup.sh", ["--init"]);
    expect(existsSync(join(repo, "config"))).toBe(true);
    run("backup.sh");
    expect(run("verify.sh").stderr).toMatch(/drill of run \S+ passed/);
    const target = join(base, "restored");
    run("restore.sh", ["--target", target]);
    const expected = Object.fromEntries(Object.entries(fileDigests(data)).filter(([k]) => !k.endsWith(".log")));
    expect(fileDigests(join(target, data))).toEqual(expected);
    // The snapshot carries the host as given.
    const snaps = JSON.parse(
      spawnSync(
        "restic",
        [
          "-r",
          repo,
          "--password-file",
          join(layout.configDir, "deep", "repository-password"),
          "--no-lock",
          "snapshots",
          "--json",
        ],
        { encoding: "utf8", env: { ...process.env, RESTIC_CACHE_DIR: join(base, "probe-cache") } },
      ).stdout,
    ) as Array<{ hostname: string }>;
    expect(new Set(snaps.map((s) => s.hostname))).toEqual(new Set(["deep-host.internal"]));
    expect(fired()).toEqual([]);
  });
});
