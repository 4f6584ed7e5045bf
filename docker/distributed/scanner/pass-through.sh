#!/bin/sh
# Placeholder for the outside scanner (docker-compose.yml service "scanner"). QueueFile publishes <id>.eml first
# and <id>.json last; a message is complete once its .json is there. Each complete message is moved unchanged to
# the shared incoming directory, data file first and commit file last (the order QueueFileRequeue expects);
# whichever node claims it first requeues it. rename(2) within the one volume is atomic.
set -u
Q=/var/spool/james-queuefile
while true; do
    for commit in "$Q"/out/*.json; do
        [ -e "$commit" ] || continue
        id=$(basename "$commit" .json)
        [ -e "$Q/out/$id.eml" ] || continue
        mv "$Q/out/$id.eml" "$Q/in/$id.eml" && mv "$commit" "$Q/in/$id.json"
    done
    sleep 1
done
