#!/bin/sh
# kafka-producer-perf-test, as in Kafka's bin/ directory: runs the Gregor implementation of the tool.
exec node "$(dirname "$(readlink -f "$0")")/../gregor.js" kafka-producer-perf-test "$@"
