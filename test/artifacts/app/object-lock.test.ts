/**
 * What a service on an Object Lock bucket gets beyond the others: lock-extend.sh with its daily
 * unit, service.conf's LOCK_* data, and its own IAM policy; and the estate's immutability drill
 * names the repository prefixes whose oldest object it reads. The behaviour of the job is proven in
 * test/roundtrip/lock-extend-s3.test.ts; the policy by the simulator in
 * test/artifacts/access-matrix-simulated.test.ts.
 */
import { join } from "node:path";
import { LOCK_MARGIN_DAYS, LOCK_STEP_DAYS } from "../../../lib/artifacts/app/spec";
import { Testing } from "../../../lib/core/cdk";
import { Estate } from "../../../lib/estate/estate";
import { validateCatalogFile } from "../../../lib/governance/validate";
import { variants } from "./fixtures";

const ROOT = join(__dirname, "..", "..", "..");

describe("a service whose S3 bucket has Object Lock", () => {
  const all = variants();
  const locked = all["files-restic-s3-locked"];
  const plain = all["files-restic-s3"];
  const file = (b: typeof locked, path: string) => b.files.find((f) => f.path === path)?.content;

  it("gets lock-extend.sh, a service unit that runs it and a daily persistent timer; a service on an unlocked bucket gets none", () => {
    expect(file(locked, "lock-extend.sh")).toBe(file(locked, "backup.sh"));
    const unit = file(locked, "systemd/backup-gov-files-d-lock.service")!;
    expect(unit).toMatch(/^ExecStart=\S+\/files-d\/lock-extend\.sh$/m);
    expect(unit).toMatch(/^After=network-online\.target$/m);
    const timer = file(locked, "systemd/backup-gov-files-d-lock.timer")!;
    expect(timer).toMatch(/^OnCalendar=\*-\*-\* 11:00:00$/m);
    expect(timer).toContain("Persistent=true");
    expect(plain.files.some((f) => f.path.includes("lock"))).toBe(false);
    expect(file(plain, "service.conf")).toMatch(/^LOCK_BUCKET=$/m);
  });

  it("service.conf carries the bucket, prefix, Region, mode and days the job uses", () => {
    const conf = file(locked, "service.conf")!;
    expect(conf).toMatch(/^LOCK_BUCKET=\S+$/m);
    expect(conf).toMatch(/^LOCK_PREFIX=files-d\/$/m);
    expect(conf).toMatch(/^LOCK_MODE=COMPLIANCE$/m);
    expect(conf).toMatch(/^LOCK_DAYS=14$/m);
    expect(conf).toMatch(new RegExp(`^LOCK_MARGIN_DAYS=${LOCK_MARGIN_DAYS}$`, "m"));
    expect(conf).toMatch(new RegExp(`^LOCK_STEP_DAYS=${LOCK_STEP_DAYS}$`, "m"));
    expect(conf).toMatch(/^ENTRY_SCRIPTS=\(.*lock-extend\.sh.*\)$/m);
    expect(conf).toMatch(/^TIMERS=\(.*backup-gov-files-d-lock\.timer.*\)$/m);
    // The margin must outlast one missed daily run, and the step must exceed the margin (else every run extends everything).
    expect(LOCK_MARGIN_DAYS).toBeGreaterThanOrEqual(2);
    expect(LOCK_STEP_DAYS).toBeGreaterThan(LOCK_MARGIN_DAYS);
  });

  it("the default catalog's immutability drill names each locked app bucket's repository prefixes", () => {
    const estate = Estate.fromReport(Testing.app(), validateCatalogFile(join(ROOT, "stacks", "catalog.yaml")));
    const drill = String(estate.artifacts.get("immutability-drill.sh")!.content);
    const rows = /^BUCKETS=\((.*)\)$/m.exec(drill)![1];
    const ctx = estate.context;
    const lockedServices = ctx.policies.filter((p) => ctx.s3DestinationOf(p.service.id)?.objectLock);
    expect(lockedServices.length).toBeGreaterThan(0);
    for (const p of lockedServices) {
      const d = ctx.s3DestinationOf(p.service.id)!;
      expect(rows).toMatch(
        new RegExp(`${d.bucketName}\\|[a-z0-9-]+\\|[A-Z]+\\|\\d+\\|[^ ']*${d.prefix.replace(/\//g, "\\/")}`),
      );
    }
  });
});
