#!/usr/bin/env bash
# Runs terraform offline against a provider filesystem mirror.
#
#   scripts/tf-offline.sh DIR init|validate|plan|show ... [terraform args]
#
# The mirror is $TF_PLUGIN_MIRROR, or found on this machine (the folder above
# registry.terraform.io that holds hashicorp/aws 5.100.0). The script writes its own CLI
# config (the environment's TF_CLI_CONFIG_FILE may name a file that does not exist) and
# points TF_CLI_CONFIG_FILE at it for this run only.
set -euo pipefail

die() { echo "tf-offline: $*" >&2; exit 2; }

find_mirror() {
  if [[ -n "${TF_PLUGIN_MIRROR:-}" ]]; then
    [[ -d "$TF_PLUGIN_MIRROR/registry.terraform.io" ]] || die "TF_PLUGIN_MIRROR=$TF_PLUGIN_MIRROR has no registry.terraform.io folder"
    echo "$TF_PLUGIN_MIRROR"; return
  fi
  local bin
  bin=$(find / -path '*registry.terraform.io/hashicorp/aws/5.100.0*' -name 'terraform-provider-aws*' -not -path '*/.terraform/*' 2>/dev/null | head -n 1 || true)
  [[ -n "$bin" ]] || die "no provider mirror holding hashicorp/aws 5.100.0 found; set TF_PLUGIN_MIRROR"
  echo "${bin%%/registry.terraform.io/*}"
}

[[ $# -ge 2 ]] || die "usage: $0 DIR terraform-command [args...]"
dir=$1; shift
command -v terraform >/dev/null || die "terraform is not installed"
mirror=$(find_mirror)
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/.tmp"
rc="$root/.tmp/terraform-offline.rc"
cat > "$rc.$$" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
disable_checkpoint = true
RC
mv "$rc.$$" "$rc"
export TF_CLI_CONFIG_FILE="$rc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
cd "$dir"
exec terraform "$@"
