#!/bin/sh
# Placeholder for the outside scanner (docker-compose.yml service "scanner"). QueueFile publishes <id>.eml first
# and <id>.json last; a message is complete once its .json is there. Each complete message is moved unchanged to
# the incoming directory of one node, data file first and commit file last (the order QueueFileRequeue expects),
# alternating between the nodes. rename(2) within the one volume is atomic.
set -u
Q=/var/spool/james-queuefile
NODES="james-1 james-2"
turn=0
while true; do
    for commit in "$Q"/out/*.json; do
        [ -e "$commit" ] || continue
        id=$(basename "$commit" .json)
        [ -e "$Q/out/$id.eml" ] || continue
        set -- $NODES
        shift $(( turn % $# ))
        node=$1
        turn=$(( turn + 1 ))
        mv "$Q/out/$id.eml" "$Q/in/$node/$id.eml" && mv "$commit" "$Q/in/$node/$id.json"
    done
    sleep 1
done
