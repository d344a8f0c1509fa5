import { z } from "zod";
import { Patterns } from "../../lib/catalog/schema/common";
import { DURATION_PATTERN } from "../../lib/core/duration";
import { HTTPS_API_URL, REPOSITORY, SSH_REPOSITORY } from "../../lib/core/formats";

describe("catalog patterns run in linear time on hostile values", () => {
  // Each value is 200 KB of what a pattern's quantifiers would backtrack over, ending in a
  // character that makes the match fail at the very end.
  const N = 200_000;
  const hostile = [
    `https://${"a".repeat(N)} `,
    `https://a:8006/${"a".repeat(N)} `,
    `ssh://${"a".repeat(N)} `,
    `/${"a".repeat(N)} `,
    `arn:aws:${"a".repeat(N)} `,
    `${"a".repeat(N)}!`,
    `${"a1+.-".repeat(N / 5)} `,
    `${`${"a".repeat(63)}.`.repeat(N / 64)} `,
    "aa:".repeat(N / 3),
    `${"a.".repeat(N / 2)}!`,
    `${"1".repeat(N)}x`,
  ];
  const patterns: Array<[string, RegExp]> = [...Object.entries(Patterns), ["duration", DURATION_PATTERN]];
  it.each(patterns)("%s", (_name, re) => {
    for (const value of hostile) {
      const t0 = Date.now();
      re.test(value);
      expect({ value: value.slice(0, 16), ms: Date.now() - t0 < 250 }).toEqual({ value: value.slice(0, 16), ms: true });
    }
  });
  it("zod's email format too", () => {
    const email = z.email();
    for (const value of [`${"a".repeat(N)}!`, `a@${"a.".repeat(N / 2)}!`, `${"a.".repeat(N / 2)}@x.y!`]) {
      const t0 = Date.now();
      email.safeParse(value);
      expect(Date.now() - t0).toBeLessThan(250);
    }
  });
});

describe("formats shared by the schema and the constructs", () => {
  it.each([
    ["https://pve.example.internal:8006", true],
    ["https://pve:8006/", true],
    ["https://pve:65535/x", true],
    ["https://pve:8006/api2/json", false],
    ["https://pve:8006/api2/json/", false],
    ["https://pve:99999", false],
    ["https://pve:0", false],
    ["https://user:pw@pve:8006", false],
    ["http://pve:8006", false],
  ])("endpoint %s -> %s", (url, ok) => {
    expect(HTTPS_API_URL.test(url)).toBe(ok);
  });
  it.each([
    ["/mnt/nas/restic", true],
    ["ssh://nas/./repo", true],
    ["ssh://u@nas:2222/abs/path", true],
    ["ssh://nas", false],
    ["ssh://u@nas:99999/r", false],
    ["/", false],
    ["nas:/repo", false],
    // ssh takes `user@host` as an argument: a leading `-` makes it an option (issue 20).
    ["ssh://-oProxyCommand=touch${IFS}x@nas/repo", false],
    ["ssh://-oProxyCommand=x/repo", false],
    ["ssh://u@-oProxyCommand=x/repo", false],
    ["ssh://-u@nas:22/repo", false],
    ["ssh://u-@nas-1/repo", true],
  ])("repository %s -> %s", (url, ok) => {
    expect(REPOSITORY.test(url)).toBe(ok);
  });
  it("SSH_REPOSITORY's groups are user@, host, port and path (AppBackup's toolRepository reads them)", () => {
    expect(SSH_REPOSITORY.exec("ssh://u@nas:2222/abs")!.slice(1)).toEqual(["u@", "nas", "2222", "abs"]);
  });
});
