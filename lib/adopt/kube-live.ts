import { execFile } from "node:child_process";
import { terminalText } from "../core/escape/terminal";
import { Errors } from "../errors";
import { type Answer, MAX_ANSWER_BYTES, parseAnswer } from "./answers";

/**
 * The one Kubernetes call adopt makes itself (`--k8s CLUSTER[=CONTEXT]`): the same read-only
 * `kubectl get` as the saved answer, run as a subprocess (no shell) with the user's kubeconfig,
 * so every authentication plugin kubectl supports works unchanged. Bounded in time (kubectl's
 * --request-timeout, and a kill after) and size (MAX_ANSWER_BYTES of output).
 * It needs `get` and `list` on schedules.velero.io and backupstoragelocations.velero.io.
 *
 * @see https://kubernetes.io/docs/reference/kubectl/generated/kubectl_get/
 */
export const KUBECTL_ARGS = [
  "get",
  "schedules.velero.io,backupstoragelocations.velero.io",
  "-A",
  "-o",
  "json",
] as const;

export interface KubeLiveOptions {
  /** The kubeconfig context. @default - the current context */
  readonly context?: string;
  /** For the whole call. @default 60000 */
  readonly timeoutMs?: number;
  /** @default "kubectl" (from PATH) */
  readonly kubectl?: string;
}

/** A context name as kubeconfig files write them; never an option (no leading '-'). */
export const KUBE_CONTEXT = /^[A-Za-z0-9_@:.][A-Za-z0-9_@:./-]{0,252}$/;

/** Reads one cluster's Velero schedules and storage locations live; checked exactly as a saved answer is. */
export function readKubeLive(cluster: string, opts: KubeLiveOptions = {}): Promise<Answer[]> {
  if (opts.context !== undefined && !KUBE_CONTEXT.test(opts.context))
    return Promise.reject(
      Errors.adoptBadOption(`the context of ${cluster}`, opts.context, "a kubeconfig context name"),
    );
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const args = [
    ...(opts.context ? ["--context", opts.context] : []),
    `--request-timeout=${Math.ceil(timeoutMs / 1000)}s`,
    ...KUBECTL_ARGS,
  ];
  const call = `kubectl ${opts.context ? `--context ${opts.context} ` : ""}${KUBECTL_ARGS.join(" ")}`;
  return new Promise((resolve, reject) => {
    // env: the caller's environment as this module sees it (KUBECONFIG, PATH), passed explicitly.
    // The kill is a backstop for a kubectl that ignores its own --request-timeout (an auth plugin that hangs).
    execFile(
      opts.kubectl ?? "kubectl",
      args,
      {
        env: process.env,
        encoding: "buffer",
        timeout: timeoutMs + Math.min(5000, timeoutMs / 2),
        killSignal: "SIGKILL",
        maxBuffer: MAX_ANSWER_BYTES,
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
          if (e.code === "ENOENT") {
            reject(Errors.adoptKubectlMissing(call));
            return;
          }
          if (e.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
            reject(Errors.answerTooLarge(call, MAX_ANSWER_BYTES + 1, MAX_ANSWER_BYTES));
            return;
          }
          // kubectl's own message, bounded and made printable (it names the server, never a token).
          const said = terminalText(stderr.toString("utf8").trim().split("\n").slice(-3).join(" ").slice(0, 400));
          if (e.killed || e.signal) {
            reject(
              Errors.adoptKubectlFailed(
                call,
                `no answer within ${(timeoutMs + Math.min(5000, timeoutMs / 2)) / 1000} s`,
                "check that the cluster's API answers (kubectl cluster-info), or save the answer with kubectl and adopt it from a file",
              ),
            );
            return;
          }
          if (/forbidden/i.test(said)) {
            reject(
              Errors.adoptKubectlFailed(
                call,
                said,
                "grant get and list on schedules.velero.io and backupstoragelocations.velero.io (docs/adopt.md#permissions)",
              ),
            );
            return;
          }
          if (/doesn't have a resource type/i.test(said)) {
            reject(
              Errors.adoptKubectlFailed(
                call,
                said,
                "Velero is not installed in this cluster (no Velero CRDs): adopt it without --k8s",
              ),
            );
            return;
          }
          reject(
            Errors.adoptKubectlFailed(
              call,
              said || `exit ${String(e.code)}`,
              "check the context and the credentials (kubectl get ns), or save the answer with kubectl and adopt it from a file",
            ),
          );
          return;
        }
        try {
          const a = parseAnswer(stdout, call, cluster);
          resolve(a ? [a] : []);
        } catch (e) {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- parseAnswer throws this library's errors, passed on as they are
          reject(e);
        }
      },
    );
  });
}
