import { Lazy, withoutTokenStackTraces } from "../../lib/core/cdk";

describe("withoutTokenStackTraces", () => {
  it("leaves cdktf's token creation stacks empty inside, and recorded as before outside", () => {
    // Lazy.anyValue returns the token object itself, which carries its creationStack.
    const stackOf = () =>
      (Lazy.anyValue({ produce: () => "x" }) as unknown as { creationStack: string[] }).creationStack;
    expect(stackOf().length).toBeGreaterThan(0);
    expect(withoutTokenStackTraces(stackOf)).toEqual([]);
    expect(stackOf().length).toBeGreaterThan(0);
  });

  it("keeps the message and frames of real errors thrown inside, and restores the previous formatter after a throw", () => {
    const before = Error.prepareStackTrace;
    let caught: Error | undefined;
    try {
      withoutTokenStackTraces(() => {
        throw new RangeError("bad value");
      });
    } catch (e) {
      caught = e as Error;
    }
    expect(caught?.stack).toMatch(/^RangeError: bad value\n\s+at /);
    expect(caught?.stack).toMatch(/cdk\.test\.ts/);
    expect(Error.prepareStackTrace).toBe(before);
  });

  it("formats real errors like V8 does when no other formatter is installed", () => {
    const before = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    try {
      const stack = withoutTokenStackTraces(() => new TypeError("nope").stack);
      expect(stack).toMatch(/^TypeError: nope\n    at .*cdk\.test\.ts:\d+:\d+/);
    } finally {
      Error.prepareStackTrace = before;
    }
  });
});
