# Drives zsh's completion as a person at a terminal would: an interactive zsh
# on a pseudo-terminal (zpty), compinit with the completion under test, each
# line typed and then list-choices (^D), which lists the matches zsh's
# completion system found without inserting one.
#
#   zsh -f zsh_complete.zsh COMPLETION_DIR LINE...
# prints, for each LINE, "=== LINE" and then what the terminal showed.
zmodload zsh/zpty
dir=$1
shift
zpty -b shell zsh -f -i
zpty -w shell "PS1='%% '; PS2=''; unsetopt beep; LISTMAX=0; fpath=($dir \$fpath)"
# Each marker is printed as $((1+1)), so that the echo of the typed command
# does not match it.
zpty -w shell "autoload -Uz compinit; compinit -u -D; print READY\$((1+1))"
zpty -r -m shell out '*READY2*'
for line in "$@"; do
  zpty -n -w shell "$line"$'\C-d\C-u'
  zpty -w shell "print DONE\$((1+1))"
  zpty -r -m shell out '*DONE2*'
  print -r -- "=== $line"
  print -r -- "$out"
done
zpty -d shell
