echo "start $(( $$ > 0 ))"
words=$(printf '%s\n' pear apple fig apple kiwi | sort | uniq -c | sort -rn | head -2)
echo "top: $words"
( cd /tmp && echo "subshell in $(pwd)"; exit 3 ); echo "subshell status $?"
x=outer; ( x=inner; echo "inside $x" ); echo "after $x"
cat <<HERE | tr a-z A-Z
here doc $x $(( 6 * 7 ))
HERE
trap 'echo "got USR1"' USR1
kill -USR1 $$
trap 'echo "exit trap"' EXIT
sleep 0.2 & p1=$!
( sleep 0.1; exit 7 ) & p2=$!
wait $p2; echo "job2 status $?"
wait $p1; echo "job1 status $?"
for i in 1 2 3; do ( echo "bg $i" > /tmp/k42-ash-$i.txt ) & done; wait
cat /tmp/k42-ash-1.txt /tmp/k42-ash-2.txt /tmp/k42-ash-3.txt; rm -f /tmp/k42-ash-*.txt
seq 1 5 | while read n; do printf '%s,' "$n"; done; echo
echo "$(echo nested $(echo deeper))"
exit 4
