import { spawn } from "node:child_process";
import { createServer } from "node:net";

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

/**
 * Serves a textfile-collector folder with the real node_exporter (Debian's
 * prometheus-node-exporter) and scrapes it once: the body, and every error the exporter
 * logged while gathering (duplicate series, inconsistent HELP texts, unparsable files).
 */
export async function scrapeTextfiles(dir: string): Promise<{ body: string; errors: string[] }> {
  const port = await freePort();
  let log = "";
  const exporter = spawn(
    "prometheus-node-exporter",
    [
      `--web.listen-address=127.0.0.1:${port}`,
      "--collector.disable-defaults",
      "--collector.textfile",
      `--collector.textfile.directory=${dir}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  exporter.stdout.on("data", (d) => (log += d));
  exporter.stderr.on("data", (d) => (log += d));
  try {
    for (let i = 0; i < 100; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        const body = await res.text();
        // Give the exporter a moment to flush what it logged while gathering.
        await new Promise((r) => setTimeout(r, 200));
        return { body, errors: log.split("\n").filter((l) => /level=error/.test(l)) };
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`node_exporter did not answer on port ${port}: ${log}`);
  } finally {
    exporter.kill("SIGTERM");
  }
}
