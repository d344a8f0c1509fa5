import { catalogWith, findingsOf, pathsOf, validate, vmService } from "../../../support/catalogs";

const app = (id: string, host: string) =>
  vmService(id, { app: { decision: "required", rationale: "files", engine: "files", host, paths: ["/srv"] } });
const check = (...services: Array<Record<string, unknown>>) => findingsOf(validate(catalogWith(services)), "GOV-110");

describe("GOV-110: artifact-names", () => {
  it("non-compliant 1: a host whose bundle name is longer than 255 bytes", () => {
    const long = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(60)].join(".");
    const f = check(app("web", long));
    expect(pathsOf(f)).toEqual(["services[0].app.host"]);
    expect(f[0].message).toMatch(/252 characters: its bundle name .* would be 259 bytes/);
  });
  it("non-compliant 2: a host named like another host's bundle", () => {
    expect(pathsOf(check(app("web", "nas"), app("api", "nas.tar.gz")))).toEqual(["services[1].app.host"]);
  });
  it("non-compliant 3: one host spelled in two cases", () => {
    expect(check(app("web", "Db.test"), app("api", "db.test"))[0].message).toMatch(/one host spelled two ways/);
  });
  it("compliant: long but fitting names, shared hosts, a .tar host", () => {
    const fits = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(56)].join(".");
    expect(check(app("web", fits), app("api", "nas"), app("db", "nas"), app("x", "nas.tar"))).toEqual([]);
  });
  it("not applicable: services without an app-level backup", () => {
    expect(check(vmService("web"))).toEqual([]);
  });
});
