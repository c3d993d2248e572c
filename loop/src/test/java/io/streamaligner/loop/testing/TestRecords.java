package io.streamaligner.loop.testing;

import io.streamaligner.schemas.AlignedPrefix;
import io.streamaligner.schemas.AlignmentRequest;
import io.streamaligner.schemas.serde.RecordClassTrust;

/** Records for tests, with the schema defaults unless a test says otherwise. */
public final class TestRecords {

    static {
        RecordClassTrust.install();
    }

    private TestRecords() {
    }

    public static AlignmentRequest request(String id, String question) {
        return AlignmentRequest.newBuilder().setRequestId(id).setQuestion(question).build();
    }

    public static AlignmentRequest.Builder requestBuilder(String id, String question) {
        return AlignmentRequest.newBuilder().setRequestId(id).setQuestion(question);
    }

    /** The loop's state after {@code round} rounds that aligned {@code prefix}. */
    public static AlignedPrefix prefix(AlignmentRequest request, String prefix, int round) {
        return AlignedPrefix.newBuilder().setRequest(request).setAlignedPrefix(prefix).setRound(round)
                .setStartedAtMs(1_000).build();
    }
}
