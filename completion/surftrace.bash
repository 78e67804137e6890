# bash completion for surftrace, surfguide and lbc (installed once per command name in
# <prefix>/share/bash-completion/completions/). Options come from each command's own
# --help, names from surftrace itself: kernel functions, trace events and a binary's
# symbols from `surftrace -l PATTERN`, struct names from `surftrace --struct GLOB`.
# Expressions are completed inside their quotes up to the target: 'p do_f<Tab>,
# 'e sched/sched_sw<Tab>, 'P /bin/bash:readl<Tab> (bash closes the quote after a single
# match; arguments go before it, and surfguide completes whole expressions).

# The surftrace next to the command being completed (./build/surfguide ->
# ./build/surftrace), else the one in $PATH.
_surftrace_bin()
{
	local cmd=$1 dir
	case $cmd in
	*/*) dir=${cmd%/*}; [[ -x $dir/surftrace ]] && { echo "$dir/surftrace"; return; } ;;
	esac
	echo surftrace
}

# Options a command lists in its --help.
_surftrace_opts()
{
	"$1" --help 2>/dev/null | grep -oE '(^|[][ ,(])--?[A-Za-z][A-Za-z0-9-]*' |
		sed 's/^[][ ,(]*//' | sort -u
}

# COMPREPLY += lines of $2 that start with $1, each prefixed with $3 and followed by $4.
_surftrace_reply()
{
	local cur=$1 pfx=$3 sfx=$4 line
	while IFS= read -r line; do
		[[ -n $line && $line == "$cur"* ]] && COMPREPLY+=("$pfx$line$sfx")
	done <<<"$2"
}

# An expression being typed: "TYPE target...". Completes the type and the target.
_surftrace_expr()
{
	local st=$1 w=$2 type rest bin grp
	case $w in
	'' | [prePR]) COMPREPLY=(p r e P R); [[ -n $w ]] && COMPREPLY=("$w "); return ;;
	[prePR]' '*) ;;
	*) return 1 ;;
	esac
	type=${w:0:1}
	rest=${w:2}
	[[ $rest == *' '* ]] && return 0   # past the target: arguments are the guide's job
	compopt -o nospace 2>/dev/null
	case $type in
	p | r)
		_surftrace_reply "$rest" "$("$st" -l "$rest*" 2>/dev/null | head -500)" "$type "
		;;
	e)
		if [[ $rest == */* ]]; then
			_surftrace_reply "$rest" "$("$st" -l "$rest*" 2>/dev/null)" "e "
		else
			grp=$("$st" -l "$rest*/*" 2>/dev/null | sed 's|/.*|/|' | sort -u)
			# One group: its events at once (bash closes the quote after one match).
			[[ -n $grp && $grp != *$'\n'* ]] && grp=$("$st" -l "$grp*" 2>/dev/null)
			_surftrace_reply "$rest" "$grp" "e "
		fi
		;;
	P | R)
		if [[ $rest == *:* ]]; then
			bin=${rest%:*}
			_surftrace_reply "${rest##*:}" \
				"$("$st" -l "$bin:${rest##*:}*" 2>/dev/null | head -500)" "$type $bin:"
		else
			local f
			while IFS= read -r f; do
				[[ -d $f ]] && COMPREPLY+=("$type $f/") || COMPREPLY+=("$type $f:")
			done < <(compgen -f -- "$rest")
		fi
		;;
	esac
	return 0
}

_surftrace()
{
	local cmd=${COMP_WORDS[0]} cur=$2 prev=$3 st
	st=$(_surftrace_bin "$cmd")
	COMPREPLY=()
	case $prev in
	-f | --file | -o | --output | --btf | -v | --vmlinux | --bundle | --bundle-out | --line | -w | --svg | --hive)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--count | --by | --match)
		COMPREPLY=($(compgen -W "comm pid cpu event stack" -- "${cur##*,}"))
		[[ $cur == *,* ]] && COMPREPLY=("${COMPREPLY[@]/#/${cur%,*},}")
		return ;;
	--engine)
		COMPREPLY=($(compgen -W "auto user kernel" -- "$cur")); return ;;
	-a | --arch)
		COMPREPLY=($(compgen -W "x86_64 aarch64" -- "$cur")); return ;;
	--struct)
		[[ $cur == *.* ]] && return
		_surftrace_reply "$cur" "$("$st" --struct "$cur*" 2>/dev/null | head -500)"; return ;;
	-l | -L | -F | --func)
		_surftrace_reply "$cur" "$("$st" -l "$cur*" 2>/dev/null | head -500)"; return ;;
	-t | --timeout | -n | --buffer-kb | -p | -c | --cpu | --top | --depth | --interval)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_surftrace_opts "$cmd")" -- "$cur"))
		return
	fi
	if [[ $cmd == *surfguide ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	# Subcommands: btfgen FILE -o FILE.btf, hive add|list|rm DIR ..., report FILE,
	# graph FUNC
	if ((COMP_CWORD == 1)) && [[ -n $cur && $cur != [prePR]' '* ]]; then
		COMPREPLY=($(compgen -W "btfgen graph hive report" -- "$cur"))
		[[ ${#COMPREPLY[@]} -gt 0 ]] && return
	fi
	case ${COMP_WORDS[1]} in
	btfgen | report) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	graph)
		((COMP_CWORD == 2)) &&
			_surftrace_reply "$cur" "$("$st" -l "$cur*" 2>/dev/null | head -500)"
		return ;;
	hive)
		if ((COMP_CWORD == 2)); then
			COMPREPLY=($(compgen -W "add list rm" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return ;;
	esac
	_surftrace_expr "$st" "$cur"
}

_lbc()
{
	local cur=$2 prev=$3
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "run build vmlinux --help --version" -- "$cur"))
		return
	fi
	case $prev in
	--btf | -o | --cache-dir | -I) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--set | -t | -n | --cflag | --freq) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_surftrace_opts "${COMP_WORDS[0]}")" -- "$cur"))
		return
	fi
	# Programs: BPF C sources and objects, and directories on the way to them.
	COMPREPLY=($(compgen -f -X '!*.bpf.[co]' -- "$cur") $(compgen -d -S / -- "$cur"))
	compopt -o nospace 2>/dev/null
}

complete -F _surftrace surftrace surfguide
complete -F _lbc lbc
