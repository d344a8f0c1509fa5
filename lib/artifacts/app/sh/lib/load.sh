# shellcheck shell=bash
# shellcheck source-path=SCRIPTDIR/..
# The runtime's loader, sourced by a service's entry point once its service.conf is read:
# shell options, the constants shared with TypeScript, the library, the service's tool and
# engine, and the scripts' main functions.

set -Eeuo pipefail
shopt -s inherit_errexit
umask 077
export LC_ALL=C

# shellcheck source=lib/constants.sh
. "$RUNTIME/lib/constants.sh"
# shellcheck source=lib/log.sh
. "$RUNTIME/lib/log.sh"
# shellcheck source=lib/metrics.sh
. "$RUNTIME/lib/metrics.sh"
# shellcheck source=lib/heartbeat.sh
. "$RUNTIME/lib/heartbeat.sh"
# shellcheck source=lib/common.sh
. "$RUNTIME/lib/common.sh"

case $TOOL in
  restic)
    # shellcheck source=tools/restic.sh
    . "$RUNTIME/tools/restic.sh"
    ;;
  borg)
    # shellcheck source=tools/borg.sh
    . "$RUNTIME/tools/borg.sh"
    ;;
  *) die "$EXIT_CONFIG" "service.conf names an unknown tool: $TOOL" ;;
esac

case $ENGINE in
  postgresql)
    # shellcheck source=engines/postgresql.sh
    . "$RUNTIME/engines/postgresql.sh"
    ;;
  mysql)
    # shellcheck source=engines/mysql.sh
    . "$RUNTIME/engines/mysql.sh"
    ;;
  mongodb)
    # shellcheck source=engines/mongodb.sh
    . "$RUNTIME/engines/mongodb.sh"
    ;;
  files)
    # shellcheck source=engines/files.sh
    . "$RUNTIME/engines/files.sh"
    ;;
  *) die "$EXIT_CONFIG" "service.conf names an unknown engine: $ENGINE" ;;
esac

# shellcheck source=lib/backup.sh
. "$RUNTIME/lib/backup.sh"
# shellcheck source=lib/restore.sh
. "$RUNTIME/lib/restore.sh"
# shellcheck source=lib/drill-record.sh
. "$RUNTIME/lib/drill-record.sh"
# shellcheck source=lib/verify.sh
. "$RUNTIME/lib/verify.sh"
# shellcheck source=lib/wal-archive.sh
. "$RUNTIME/lib/wal-archive.sh"
# shellcheck source=tools/object-lock.sh
. "$RUNTIME/tools/object-lock.sh"
