import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { Errors } from "../errors";

/** A synthesized stack's JSON, as far as the offline plan reads it. */
interface StackJson {
  readonly provider?: Record<string, Array<{ alias?: string }>>;
  readonly variable?: Record<string, { type?: string; default?: unknown }>;
  readonly terraform?: { required_providers?: Record<string, unknown> };
}

/**
 * Provider settings that let `terraform plan -refresh=false` run with no network access to
 * AWS and no account: fake static credentials, every check that would call AWS skipped, and
 * `allowed_account_ids` lifted (there is no account to compare with). A local backend, so
 * that no remote state is touched.
 */
export function offlineOverride(stack: StackJson): object {
  const aws = (stack.provider?.aws ?? []).map((p) => ({
    ...(p.alias ? { alias: p.alias } : {}),
    access_key: "AKIAOFFLINEPLANTEST0",
    secret_key: "offline-plan-not-a-secret",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    // Without this, a pinned account fails every provider that manages a resource.
    allowed_account_ids: null,
  }));
  return { provider: { aws }, terraform: { backend: { local: { path: "terraform.tfstate" } } } };
}

/**
 * Placeholder values for the stack's variables without a default (secrets such as webhook
 * URLs are sensitive variables, never literals): a plan needs a value for each.
 */
export function offlineVariables(stack: StackJson): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(stack.variable ?? {})) {
    if (v.default !== undefined) continue;
    // A catalog without aws.accountId declares aws_account_id, validated as 12 digits.
    if (name === "aws_account_id") {
      out[name] = "123456789012";
      continue;
    }
    out[name] = v.type === "number" ? 0 : v.type === "bool" ? false : `https://offline-plan.invalid/${name}`;
  }
  return out;
}

/** What planning one stack offline gave. */
export interface OfflinePlanResult {
  readonly stack: string;
  /** The folder terraform ran in (plan.bin, plan.json). */
  readonly workDir: string;
  /** `terraform validate -json`. */
  readonly validate: { valid: boolean; error_count: number; diagnostics: unknown[] };
  /** `terraform show -json plan.bin`, when the plan succeeded. */
  readonly plan?: { resource_changes?: Array<{ change: { actions: string[] } }> };
  /** Terraform's error output, when validate or plan failed. */
  readonly error?: string;
  /** Stacks that need a provider other than hashicorp/aws are skipped (why). */
  readonly skipped?: string;
}

export interface OfflinePlanOptions {
  /** Where each stack's work folder goes (`<workRoot>/<stack>`). */
  readonly workRoot: string;
  /** A provider filesystem mirror (the folder above registry.terraform.io). @default - terraform's own installation */
  readonly pluginMirror?: string;
  /** Plan stacks with providers other than AWS too. @default false */
  readonly allProviders?: boolean;
}

/** The stack folders under DIR: DIR itself when it holds cdk.tf.json, else DIR/stacks/* or DIR/*. */
export function stackDirs(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw Errors.fileNotFound(dir);
  if (existsSync(join(dir, "cdk.tf.json"))) return [dir];
  const parent = existsSync(join(dir, "stacks")) ? join(dir, "stacks") : dir;
  const found = readdirSync(parent)
    .sort()
    .map((d) => join(parent, d))
    .filter((d) => existsSync(join(d, "cdk.tf.json")));
  if (!found.length) throw Errors.noStacks(dir);
  return found;
}

/** Plans one synthesized stack with the real terraform, offline. Never throws for a terraform failure. */
export function planStackOffline(stackDir: string, options: OfflinePlanOptions): OfflinePlanResult {
  const stack = basename(resolve(stackDir));
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as StackJson;
  const providers = Object.keys(json.terraform?.required_providers ?? {});
  const workDir = resolve(options.workRoot, stack);
  const empty = { valid: false, error_count: 0, diagnostics: [] };
  if (!options.allProviders && providers.some((p) => p !== "aws")) {
    return {
      stack,
      workDir,
      validate: empty,
      skipped: `needs provider(s) ${providers.filter((p) => p !== "aws").join(", ")} (pass --all-providers to plan it too)`,
    };
  }
  mkdirSync(workDir, { recursive: true });
  copyFileSync(join(stackDir, "cdk.tf.json"), join(workDir, "cdk.tf.json"));
  writeFileSync(join(workDir, "offline_override.tf.json"), JSON.stringify(offlineOverride(json), null, 2));
  writeFileSync(join(workDir, "offline.auto.tfvars.json"), JSON.stringify(offlineVariables(json), null, 2));
  const env: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  if (options.pluginMirror) {
    const rc = join(workDir, "terraform.rc");
    // Terraform strings are HCL: the path is JSON-quoted (a valid HCL string literal).
    writeFileSync(
      rc,
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(resolve(options.pluginMirror))}\n    include = ["registry.terraform.io/*/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\ndisable_checkpoint = true\n`,
    );
    env.TF_CLI_CONFIG_FILE = rc;
  }
  const tf = (args: string[]) =>
    execFileSync("terraform", args, {
      cwd: workDir,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 512 * 1024 * 1024,
    });
  let validate: OfflinePlanResult["validate"] = empty;
  try {
    tf(["init", "-input=false", "-no-color"]);
    validate = JSON.parse(tf(["validate", "-json", "-no-color"])) as OfflinePlanResult["validate"];
    tf(["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.bin"]);
    const show = tf(["show", "-json", "plan.bin"]);
    writeFileSync(join(workDir, "plan.json"), show);
    return { stack, workDir, validate, plan: JSON.parse(show) as OfflinePlanResult["plan"] };
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string; code?: string };
    if (err.code === "ENOENT") throw Errors.terraformMissing();
    // validate -json exits 1 with its verdict on stdout.
    if (err.stdout?.trimStart().startsWith("{")) {
      try {
        validate = JSON.parse(err.stdout) as OfflinePlanResult["validate"];
      } catch {
        // not validate's output
      }
    }
    return { stack, workDir, validate, error: (err.stderr || err.stdout || err.message).trim() };
  }
}
