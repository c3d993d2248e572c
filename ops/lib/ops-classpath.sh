# Sourced by the ops scripts that run a Java program of the ops module. Compiles the modules below ops
# and ops quietly when a main source or pom changed since the last build, and sets OPS_CLASSPATH to run them.
# Expects ROOT (the repository root) to be set and to be the working directory.

OPS_WORK="$ROOT/target/bench"
mkdir -p "$OPS_WORK"
OPS_STAMP="$OPS_WORK/ops.stamp"
if [[ ! -f "$OPS_STAMP" || ! -f "$OPS_WORK/ops.classpath" || -n "$(find schemas client inference server loop eval topology ops pom.xml \
      \( -path '*/src/main/*' -o -name pom.xml \) -newer "$OPS_STAMP" -print -quit)" ]]; then
  echo "building the modules the ops programs need (mvn -q) ..." >&2
  # test-compile, not compile: topology's tests use other modules' test jars, which the reactor resolves to their
  # compiled test classes only once those exist (else it would look for them in ~/.m2)
  mvn -q -pl ops -am test-compile dependency:build-classpath -Dmdep.outputFile="$OPS_WORK/ops.classpath" >&2
  touch "$OPS_STAMP"
fi
OPS_CLASSPATH="ops/target/classes:topology/target/classes:eval/target/classes:loop/target/classes:server/target/classes:inference/target/classes:client/target/classes:schemas/target/classes:$(cat "$OPS_WORK/ops.classpath")"
