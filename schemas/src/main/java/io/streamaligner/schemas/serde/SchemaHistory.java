package io.streamaligner.schemas.serde;

import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Older versions of a record's schema, kept as resources so that records written with them stay readable.
 *
 * <p>Layout: {@code io/streamaligner/schemas/history/<SimpleName>.v<N>.avsc}, numbered from 1 without gaps
 * (the current version is the generated class and is not kept here). Every kept version must be readable by
 * the current schema; a test checks that.
 */
public final class SchemaHistory {

    static final String RESOURCE_DIR = "/io/streamaligner/schemas/history/";

    private SchemaHistory() {
    }

    /** The kept older versions of {@code current}'s record, oldest first; empty when none are kept. */
    public static List<Schema> olderVersions(Schema current) {
        List<Schema> versions = new ArrayList<>();
        for (int version = 1; ; version++) {
            String path = RESOURCE_DIR + current.getName() + ".v" + version + ".avsc";
            try (InputStream in = SchemaHistory.class.getResourceAsStream(path)) {
                if (in == null) {
                    return versions;
                }
                Schema older = new Schema.Parser().parse(in);
                if (!older.getFullName().equals(current.getFullName())) {
                    throw new IllegalStateException(path + " holds " + older.getFullName() + ", not " + current.getFullName());
                }
                versions.add(older);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
    }

    /** A store that knows every kept older version of {@code current} (the current one is known to decoders already). */
    public static SchemaStore storeFor(Schema current) {
        SchemaStore.Cache store = new SchemaStore.Cache();
        olderVersions(current).forEach(store::addSchema);
        return store;
    }
}
