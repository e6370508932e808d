# bash completion for latchkey.
#
# Nothing here lists latchkey's commands or flags: they are read from the
# program's own help (`latchkey --help`, `latchkey COMMAND --help`) when
# completing, so a new command or flag completes without editing this file.
# Site and provider names come from `latchkey sites list` and
# `latchkey providers list`, with the --config and --plugin-dir given so far.

# The command names, one a line ("sites add"), from the "commands:" block.
_latchkey_commands() {
    "$1" --help 2>/dev/null | awk '
        /^commands:/ { inside = 1; next }
        inside && /^$/ { exit }
        inside { sub(/^ +/, ""); split($0, part, /  +/); print part[1] }'
}

# The flags of the options blocks of `PROGRAM [COMMAND] --help` (an option
# line starts with two spaces and a dash: "  -o [ --output ] arg (=text) ...");
# with "arg" first, only those that take a value (Program_options writes "arg").
_latchkey_flags() {
    local want=$1
    shift
    "$@" --help 2>/dev/null | awk -v want="$want" '
        /^  -/ {
            n = 0; takes = 0
            for (i = 1; i <= NF; i++) {
                if ($i ~ /^-/) { gsub(/[][]/, "", $i); flag[++n] = $i }
                else if ($i == "arg") takes = 1
                else if ($i != "[" && $i != "]" && $i !~ /^\(=/) break
            }
            if (want != "arg" || takes) for (i = 1; i <= n; i++) print flag[i]
        }'
}

_latchkey_sites() {
    "$@" sites list 2>/dev/null | awk 'NR > 1 && NF >= 2 { print $(NF - 1) }'
}

_latchkey_providers() {
    "$@" providers list 2>/dev/null | awk 'NR == 1 { next } /^$/ { exit } { print $1 }'
}

_latchkey() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local -a program=("${COMP_WORDS[0]}") words=()
    local commands valued command="" i word line
    COMPREPLY=()
    commands=$(_latchkey_commands "${program[0]}")
    valued=" $(_latchkey_flags arg "${program[0]}" | tr '\n' ' ') "

    # The words before the cursor. Flag values are set aside, except those
    # choosing the policy and the plugins, kept for the listing calls. The
    # command is the longest run of leading words that names one.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $valued == *" $word "* ]]; then
            [[ $word == --config || $word == --plugin-dir ]] && program+=("$word" "${COMP_WORDS[i + 1]}")
            ((i++))
        elif [[ $word != -* && $word != = ]]; then
            words+=("$word")
            while IFS= read -r line; do
                if [[ "${words[*]}" == "$line" ]]; then
                    command=$line
                    # shellcheck disable=SC2086
                    valued+=" $(_latchkey_flags arg "${program[0]}" $command | tr '\n' ' ') "
                fi
            done <<<"$commands"
        fi
    done

    if [[ $valued == *" $prev "* ]]; then
        case $prev in
            --config) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
            --plugin-dir) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
            --at) mapfile -t COMPREPLY < <(compgen -W "$(_latchkey_sites "${program[@]}")" -- "$cur") ;;
            --provider)
                mapfile -t COMPREPLY < <(compgen -W "$(_latchkey_providers "${program[@]}")" -- "$cur")
                ;;
            -o | --output) mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur") ;;
        esac
        return
    fi

    if [[ $cur == -* ]]; then
        local flags
        flags=$(_latchkey_flags all "${program[0]}")
        # shellcheck disable=SC2086
        [[ -n $command ]] && flags+=" $(_latchkey_flags all "${program[0]}" $command)"
        mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur" | sort -u)
    elif [[ -z $command ]]; then
        # The next word of every command that starts with the words so far.
        local next=""
        local -a candidate
        while IFS= read -r line; do
            read -ra candidate <<<"$line"
            [[ ${#candidate[@]} -gt ${#words[@]} && "${candidate[*]:0:${#words[@]}}" == "${words[*]}" ]] &&
                next+=" ${candidate[${#words[@]}]}"
        done <<<"$commands"
        mapfile -t COMPREPLY < <(compgen -W "$next" -- "$cur" | sort -u)
    elif [[ $command == sites\ * ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_latchkey_sites "${program[@]}")" -- "$cur")
    elif [[ $command == providers\ * ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_latchkey_providers "${program[@]}")" -- "$cur")
    fi
}

complete -F _latchkey latchkey
