import { Size } from "../../lib/core/size";

describe("Size", () => {
  it.each([
    ["512KiB", 512 * 1024],
    ["20MiB", 20 * 1024 ** 2],
    ["20GiB", 20 * 1024 ** 3],
    ["2TiB", 2 * 1024 ** 4],
  ])("parses %s as %d bytes", (text, bytes) => {
    expect(Size.parse(text).totalBytes).toBe(bytes);
  });

  it("parses upload rates into the KiB/s both tools take", () => {
    expect(Size.parseRate("20MiB/s").toKiB()).toBe(20480);
    expect(Size.parseRate("512KiB/s").toKiB()).toBe(512);
  });

  it.each(["20MB", "0GiB", "1.5GiB", "", "20 GiB"])("refuses %j with APP-001", (text) => {
    expect(() => Size.parse(text, "directoryFormatAbove")).toThrow(/APP-001: directoryFormatAbove is not a size/);
  });

  it("refuses a size where a rate is expected", () => {
    expect(() => Size.parseRate("20MiB")).toThrow(/APP-001: bandwidthLimit is not a size/);
  });
});
