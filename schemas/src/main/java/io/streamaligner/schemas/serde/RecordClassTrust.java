package io.streamaligner.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Lets Avro instantiate this project's generated record classes.
 *
 * <p>Avro 1.12.2 refuses to load any class not on its trust list when it reads a specific record or fills a
 * record-typed default, and the list is otherwise set only by system properties read once at class-load time.
 * {@link AvroSerde} installs this before first use; code that builds records before creating any serde (a
 * builder filling {@code AlignmentRequest.generation}'s default, say) calls {@link #install()} itself.
 */
public final class RecordClassTrust {

    private static final String GENERATED_PACKAGE = "io.streamaligner.schemas.";

    private static boolean installed;

    private RecordClassTrust() {
    }

    /** Adds the generated package to Avro's global trust list, keeping whatever was trusted before. Idempotent. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                type -> type.getName().startsWith(GENERATED_PACKAGE)));
        installed = true;
    }
}
