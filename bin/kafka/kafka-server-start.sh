#!/bin/sh
# kafka-server-start, as in Kafka's bin/ directory: starts a Gregor broker with the given server.properties.
exec node "$(dirname "$(readlink -f "$0")")/../gregor.js" serve "$@"
