import { request } from "node:https";
import { type Answer, MAX_ANSWER_BYTES, parseAnswer } from "./answers";
import { AdoptErrors } from "./errors";

/**
 * The Proxmox VE calls adopt makes itself: the same read-only GETs as the saved answers
 * (`pvesh get ...`), through the API with an API token. The token needs `Sys.Audit` on `/`,
 * `VM.Audit` on `/vms` and `Datastore.Audit` on `/storage` (docs/adopt.md#permissions).
 *
 * @see https://pve.proxmox.com/wiki/Proxmox_VE_API#API_Tokens (Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET)
 */
export const PVE_LIVE_PATHS = [
  "/cluster/backup",
  "/cluster/resources?type=vm",
  "/cluster/backup-info/not-backed-up",
  "/storage",
] as const;

export interface PveLiveOptions {
  /** `USER@REALM!TOKENID=SECRET`; never printed. */
  readonly token: string;
  /** PEM of the CA (or the self-signed certificate) the endpoint presents. @default - the system's CAs */
  readonly ca?: string | Buffer;
  /** Per call. @default 30000 */
  readonly timeoutMs?: number;
}

/** Reads one Proxmox host's answers live; each is checked exactly as a saved answer is. */
export async function readPveLive(host: string, endpoint: string, opts: PveLiveOptions): Promise<Answer[]> {
  if (!/^[^@\s]+@[^!\s]+![^=\s]+=\S+$/.test(opts.token))
    throw AdoptErrors.adoptBadOption(
      `the API token of ${host}`,
      "(not shown)",
      "USER@REALM!TOKENID=SECRET, from the environment",
    );
  const out: Answer[] = [];
  for (const path of PVE_LIVE_PATHS) {
    const url = `${endpoint.replace(/\/+$/, "")}/api2/json${path}`;
    const bytes = await get(url, { Authorization: `PVEAPIToken=${opts.token}` }, opts);
    const answer = parseAnswer(bytes, url, host);
    if (answer) out.push(answer);
  }
  return out;
}

function get(url: string, headers: Record<string, string>, opts: PveLiveOptions): Promise<Buffer> {
  const call = `GET ${url.replace(/^https:\/\/[^/]+/, "")}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers, ca: opts.ca, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        // Read at most one byte past the cap: parseAnswer refuses it with ADOPT-001.
        if (size <= MAX_ANSWER_BYTES + 1) chunks.push(c);
        else res.destroy();
      });
      res.on("close", () => {
        if (res.statusCode !== 200) {
          reject(
            AdoptErrors.adoptLiveFailed(
              call,
              `HTTP ${res.statusCode ?? "?"}${res.statusCode === 401 ? " (the token was refused)" : res.statusCode === 403 ? " (the token lacks a read permission)" : ""}`,
            ),
          );
          return;
        }
        resolve(Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES + 1));
      });
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (e) => {
      reject(AdoptErrors.adoptLiveFailed(call, e.message));
    });
    req.end();
  });
}
