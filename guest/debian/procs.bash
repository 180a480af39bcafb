set -u
echo "start: the pid is positive: $(( $$ > 0 ))"
words=$(printf '%s\n' pear apple fig apple kiwi | sort | uniq -c | sort -rn | head -2)
echo "top: $words"
echo "count: $(ls /usr/bin | wc -l | tr -d ' ' | sed 's/[0-9]/N/g' | head -c 1)"
( cd /tmp && echo "subshell in $(pwd)"; exit 3 ); echo "subshell status $?"
x=outer; ( x=inner; echo "inside $x" ); echo "after $x"
cat <<HERE | tr a-z A-Z
here doc line one $x
  indented $(( 6 * 7 ))
HERE
cat <<'RAW'
raw $x $(not run)
RAW
trap 'echo "got USR1"' USR1
kill -USR1 $$
trap 'echo "exit trap"' EXIT
sleep 0.2 & p1=$!
( sleep 0.1; exit 7 ) & p2=$!
wait $p2; echo "job2 status $?"
wait $p1; echo "job1 status $?"
for i in 1 2 3; do ( echo "bg $i" > /tmp/k42-bg-$i.txt ) & done; wait
cat /tmp/k42-bg-1.txt /tmp/k42-bg-2.txt /tmp/k42-bg-3.txt; rm -f /tmp/k42-bg-*.txt
false | true; echo "pipe status ${PIPESTATUS[*]}"
set -o pipefail; false | true; echo "pipefail $?"; set +o pipefail
f() { local n=$1; [ "$n" -le 1 ] && { echo 1; return; }; echo $(( n * $(f $((n-1))) )); }
echo "fact $(f 6)"
read -r a b <<< "alpha beta"; echo "read $b $a"
seq 1 5 | while read n; do echo -n "$n,"; done; echo
echo "done"
exit 4
