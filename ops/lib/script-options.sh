# Sourced by the ops scripts whose options are all listed in their header comment (the comment block after the
# shebang). `check_script_options "${BASH_SOURCE[0]}" "$@"` prints that header for --help or -h and exits; it refuses
# an option the header does not name (a typo would otherwise run the whole benchmark with the defaults).

check_script_options() {
  local script="$1"
  shift
  local header
  header="$(awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$script")"
  local known
  known=" $( { grep -o -- '--[a-z][a-z0-9-]*' <<<"$header" || true; } | sort -u | tr '\n' ' ')"
  local arg
  for arg in "$@"; do
    case "$arg" in
      --help|-h)
        printf '%s\n' "$header"
        exit 0
        ;;
      --*)
        if [[ "$known" != *" $arg "* ]]; then
          local names="${known# }"
          names="${names% }"
          echo "$(basename "$script"): unknown option $arg (${names:+options: $names; }--help)" >&2
          exit 2
        fi
        ;;
    esac
  done
}
