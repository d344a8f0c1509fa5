import { AppEngine } from "../../core/vocabulary";

/**
 * The restore chain of a service with pitr: the units that restore only together (a full or base
 * backup, what follows it), as the runtime names them (CHAIN_HEAD and CHAIN_NAMES in
 * sh/engines/<engine>.sh; a test holds the two together). Retention keeps or forgets a chain whole.
 */
export interface RestoreChain {
  /** The unit a chain starts with. */
  readonly head: string;
  /** The units after it, in the order a restore applies them. */
  readonly follows: readonly string[];
  /** How the chain restores, in one sentence. */
  readonly description: string;
}

/** The chain of `serviceId`'s units, or undefined when the service has no pitr (every unit restores on its own). */
export function restoreChain(engine: AppEngine, serviceId: string, pitr: boolean): RestoreChain | undefined {
  if (!pitr) return undefined;
  if (engine === AppEngine.POSTGRESQL) {
    return {
      head: `${serviceId}.base.tar`,
      follows: [`${serviceId}.wal.tar`],
      description: `a base backup (\`${serviceId}.base.tar\`) and the WAL shipped after it (\`${serviceId}.wal.tar\`)`,
    };
  }
  if (engine === AppEngine.MYSQL) {
    return {
      head: `${serviceId}.full.xb`,
      follows: [`${serviceId}.incr.xb`, `${serviceId}.binlog.tar`],
      description: `a full backup (\`${serviceId}.full.xb\`), every incremental after it (\`${serviceId}.incr.xb\`) and the binary logs after it (\`${serviceId}.binlog.tar\`)`,
    };
  }
  return undefined;
}
