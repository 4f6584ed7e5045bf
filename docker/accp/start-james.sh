#!/bin/sh
# Starts James as the official apache/james 3.8.1 images do (their Jib entrypoint: the jvmFlags of
# server/apps/*-app/pom.xml, the class path and main class Jib writes to /root/jib-classpath-file and
# /root/jib-main-class-file), with Amazon Corretto Crypto Provider first among the JCA providers of the whole JVM.
#   JEXIM_ACCP=true (default): ACCP's JAR on the class path, docker/accp/java.security as the provider order
#   JEXIM_ACCP=false: exactly the official image's command
# JAVA_TOOL_OPTIONS still reaches the JVM as usual; arguments given to the container are more JVM options.
# JEXIM_APP_ROOT: where the image keeps James (the official images' Jib appRoot, /root; changed only by tests).
set -eu
ROOT=${JEXIM_APP_ROOT:-/root}
ACCP_JAR=$ROOT/accp/AmazonCorrettoCryptoProvider.jar
CP=$(cat "$ROOT/jib-classpath-file")
MAIN=$(cat "$ROOT/jib-main-class-file")
set -- -Dlogback.configurationFile=/root/conf/logback.xml -Dworking.directory=/root/ \
  -Djdk.tls.ephemeralDHKeySize=2048 -Dextra.props=/root/conf/jvm.properties "$@"
case "${JEXIM_ACCP:-true}" in
  true)
    echo "jexim: JCA provider order from $ROOT/accp/java.security: Amazon Corretto Crypto Provider first (JEXIM_ACCP=false to start without it)" >&2
    exec java "-Djava.security.properties=$ROOT/accp/java.security" "$@" -cp "$CP:$ACCP_JAR" "$MAIN"
    ;;
  false)
    exec java "$@" -cp "$CP" "$MAIN"
    ;;
  *)
    echo "jexim: JEXIM_ACCP must be true or false (the pack's booleans), not '${JEXIM_ACCP}'" >&2
    exit 64
    ;;
esac
