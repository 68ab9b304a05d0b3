#!/bin/sh
# kafka-console-share-consumer, as in Kafka's bin/ directory: runs the Gregor implementation of the tool.
exec node "$(dirname "$(readlink -f "$0")")/../gregor.js" kafka-console-share-consumer "$@"
