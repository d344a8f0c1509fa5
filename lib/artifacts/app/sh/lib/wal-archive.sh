# shellcheck shell=bash
# wal-archive.sh: PostgreSQL's archive_command (archive_command = '<scripts>/wal-archive.sh %p %f').
# Runs as the postgres user and reads no env file: it copies one WAL file into the spool
# durably; the backup's ship timer stores the spool.

wal_archive_main() {
  local spool=${BACKUP_GOV_SPOOL_DIR:-$SPOOL_DIR_DEFAULT} src dest
  (($# == 2)) || die "$EXIT_USAGE" "usage: wal-archive.sh %p %f"
  src=$1
  dest=$spool/$2
  # PostgreSQL may archive a file again after a crash: the same content is success, different content is an error.
  if [[ -e $dest ]]; then
    cmp -s "$src" "$dest" && exit "$EXIT_OK"
    die 1 "$dest exists with different content"
  fi
  cp "$src" "$dest.part"
  sync "$dest.part"
  mv "$dest.part" "$dest"
  sync "$spool"
  exit "$EXIT_OK"
}
