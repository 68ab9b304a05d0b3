#!/bin/sh
# kafka-share-groups, as in Kafka's bin/ directory: runs the Gregor implementation of the tool.
exec node "$(dirname "$(readlink -f "$0")")/../gregor.js" kafka-share-groups "$@"
