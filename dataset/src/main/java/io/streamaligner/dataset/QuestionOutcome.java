package io.streamaligner.dataset;

import java.util.List;
import java.util.Objects;

/** What one question came to in a run. */
public sealed interface QuestionOutcome {

    /**
     * Annotated: its records go to the dataset.
     *
     * @param records one per round, in order
     * @param changed how many of them the teacher changed
     */
    record Written(List<DatasetRecord> records, int changed) implements QuestionOutcome {

        public Written {
            records = List.copyOf(Objects.requireNonNull(records, "records"));
            if (records.isEmpty()) {
                throw new IllegalArgumentException("a written question has records");
            }
        }
    }

    /** Skipped for good, with why: it goes to the rejects file. */
    record Rejected(RejectedQuestion question) implements QuestionOutcome {

        public Rejected {
            Objects.requireNonNull(question, "question");
        }
    }

    /**
     * Failed for a reason a later run may not meet (the teacher unreachable past the retries, a timeout): nothing is
     * written, and a second run asks it again.
     */
    record Failed(String reason) implements QuestionOutcome {

        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
