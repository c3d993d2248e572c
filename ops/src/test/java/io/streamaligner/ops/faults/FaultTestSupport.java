package io.streamaligner.ops.faults;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the crash tests find the runnable jar: the build packages it before the integration tests run. */
final class FaultTestSupport {

    static final String JAR_PROPERTY = "streamaligner.jar";

    private FaultTestSupport() {
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, "../topology/target/stream-aligner.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no runnable jar at " + jar.toAbsolutePath() + "; mvn verify packages it first");
        }
        return jar;
    }
}
