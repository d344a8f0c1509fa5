import { isBlocking } from "../../lib/core/finding";
import { catalogWith, findingsOf, pathsOf, validate, vmService } from "../support/catalogs";

const offsiteByVzdump = (acknowledge: unknown) =>
  vmService("web", { offsite: { required: true, reason: "needed" }, acknowledge });

describe("acknowledgements", () => {
  it("an acknowledged finding is still reported, marked, and no longer blocks", () => {
    const r = validate(
      catalogWith([offsiteByVzdump([{ rule: "GOV-011", reason: "PBS syncs this datastore to the office" }])]),
    );
    const f = findingsOf(r, "GOV-011");
    expect(f).toHaveLength(1);
    expect(f[0].acknowledged).toEqual({ reason: "PBS syncs this datastore to the office" });
    expect(isBlocking(f[0])).toBe(false);
    expect(r.ok).toBe(true);
  });

  it("without the acknowledgement the same catalog fails", () => {
    expect(validate(catalogWith([offsiteByVzdump(undefined)])).ok).toBe(false);
  });

  it("ACK-001: an unknown rule id is an error at the rule", () => {
    const r = validate(
      catalogWith([vmService("web", { acknowledge: [{ rule: "GOV-999", reason: "long enough reason" }] })]),
    );
    expect(pathsOf(findingsOf(r, "ACK-001"))).toEqual(["services[0].acknowledge[0].rule"]);
    expect(r.ok).toBe(false);
  });

  it("ACK-002: a reason under 10 characters is an error and does not acknowledge", () => {
    const r = validate(catalogWith([offsiteByVzdump([{ rule: "GOV-011", reason: "because" }])]));
    expect(pathsOf(findingsOf(r, "ACK-002"))).toEqual(["services[0].acknowledge[0].reason"]);
    expect(findingsOf(r, "GOV-011")[0].acknowledged).toBeUndefined();
    expect(r.ok).toBe(false);
  });

  it("ACK-003: hard limits cannot be acknowledged", () => {
    const r = validate(
      catalogWith([
        vmService("web", {
          vm: { host: "nope", vmid: 101 },
          acknowledge: [{ rule: "GOV-003", reason: "we know the host is missing" }],
        }),
      ]),
    );
    expect(findingsOf(r, "ACK-003")).toHaveLength(1);
    expect(findingsOf(r, "GOV-003")[0].acknowledged).toBeUndefined();
  });

  it("ACK-004: an acknowledgement that matches nothing is a warning and does not block", () => {
    const r = validate(
      catalogWith([vmService("web", { acknowledge: [{ rule: "GOV-011", reason: "nothing to accept here" }] })]),
    );
    expect(findingsOf(r, "ACK-004")[0].severity).toBe("warning");
    expect(r.ok).toBe(true);
  });

  it("acknowledges only the service's own findings", () => {
    const r = validate(
      catalogWith([
        offsiteByVzdump([{ rule: "GOV-011", reason: "PBS syncs this datastore" }]),
        vmService("api", { offsite: { required: true, reason: "needed" } }),
      ]),
    );
    expect(findingsOf(r, "GOV-011").map((f) => [f.path[1], !!f.acknowledged])).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(r.ok).toBe(false);
  });
});
