#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft: broker and controller in one JVM, no ZooKeeper) for development
# and CI. The broker's jars come from Maven Central through scripts/kafka/pom.xml (pinned version).
#
#   scripts/kafka.sh start  [--port 9092] [--controller-port 9093] [--dir .kafka] [--heap 512m]
#   scripts/kafka.sh stop   [--port 9092] [--dir .kafka] [--keep]   stops the broker; removes its data folder unless --keep
#   scripts/kafka.sh status [--port 9092] [--dir .kafka]            exit 0 when it answers
#
# The controller listens on port+1 unless told. A second, throw-away broker (the outage test uses one):
# `start --port 19092 --dir /tmp/k2`, `stop --port 19092 --dir /tmp/k2 --keep`, start again, `stop ...`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
POM_DIR="$ROOT/scripts/kafka"
LIB="$POM_DIR/target/lib"

cmd="${1:-status}"; shift || true
PORT=9092; DIR="$ROOT/.kafka"; HEAP=512m; CPORT=""; KEEP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --controller-port) CPORT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --dir) DIR="$2"; shift 2 ;;
    --heap) HEAP="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$DIR" in /*) ;; *) DIR="$ROOT/$DIR" ;; esac
CPORT="${CPORT:-$((PORT + 1))}"
PIDFILE="$DIR/kafka.pid"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running_pid() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"; }

fetch_jars() {
  local version
  version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM_DIR/pom.xml")
  if [ -f "$LIB/kafka_2.13-$version.jar" ]; then return 0; fi
  command -v mvn >/dev/null || { echo "kafka: mvn is not installed (needed once to fetch Kafka $version)" >&2; return 1; }
  command -v java >/dev/null || { echo "kafka: java is not installed" >&2; return 1; }
  echo "kafka: fetching Apache Kafka $version from Maven Central"
  rm -rf "$LIB"
  mkdir -p "$POM_DIR/target"
  local log="$POM_DIR/target/mvn.log"
  if ! mvn -q -B -f "$POM_DIR/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB" -DincludeScope=runtime >"$log" 2>&1; then
    echo "kafka: could not fetch the Kafka jars with Maven (Maven Central unreachable?): $(grep -m1 ERROR "$log" | cut -c1-300)" >&2
    echo "kafka: full Maven output in scripts/kafka/target/mvn.log" >&2
    return 1
  fi
}

write_config() {
  cat >"$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.voters=1@127.0.0.1:$CPORT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/data
# topics are created by the bus adapter with the partitions and replication it is configured for
auto.create.topics.enable=false
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# one node, many short-lived test groups: do not wait for more members before the first assignment
group.initial.rebalance.delay.ms=0
log.retention.hours=24
PROPS
}

start() {
  if port_open "$PORT"; then echo "kafka: something already answers on 127.0.0.1:$PORT"; return 0; fi
  fetch_jars
  mkdir -p "$DIR"
  write_config
  local java_opts=(-Xms64m "-Xmx$HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$POM_DIR/log4j.properties" "-Dkafka.logs.dir=$DIR")
  if [ ! -f "$DIR/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    java "${java_opts[@]}" -cp "$LIB/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/server.properties" >"$DIR/format.log" 2>&1 \
      || { cat "$DIR/format.log" >&2; return 1; }
  fi
  : >"$DIR/server.log" # the "started" line waited for below must come from this start
  nohup java "${java_opts[@]}" -cp "$LIB/*" kafka.Kafka "$DIR/server.properties" >"$DIR/stdout.log" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 120); do
    if ! running_pid >/dev/null; then echo "kafka: broker exited during start:" >&2; tail -20 "$DIR/stdout.log" "$DIR/server.log" >&2 2>/dev/null; return 1; fi
    if port_open "$PORT" && grep -q "Kafka Server started" "$DIR/server.log" 2>/dev/null; then
      echo "kafka: broker up on 127.0.0.1:$PORT (KRaft, data in $DIR, pid $(cat "$PIDFILE"))"
      return 0
    fi
    sleep 0.5
  done
  echo "kafka: broker did not answer on 127.0.0.1:$PORT within 60 s" >&2
  return 1
}

stop() {
  local pid
  if pid=$(running_pid); then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "kafka: broker on 127.0.0.1:$PORT stopped"
  else
    echo "kafka: no broker of ours running from $DIR"
  fi
  rm -f "$PIDFILE"
  if [ -z "$KEEP" ]; then rm -rf "$DIR"; fi
}

status() {
  if port_open "$PORT"; then echo "kafka: up on 127.0.0.1:$PORT${pid:+ (pid $pid)}"; return 0; fi
  echo "kafka: down (nothing on 127.0.0.1:$PORT)"; return 1
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) pid=$(running_pid || true); status ;;
  *) echo "usage: scripts/kafka.sh start|stop|status [--port N] [--dir D] [--heap 512m]" >&2; exit 2 ;;
esac
