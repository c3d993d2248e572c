package io.streamaligner.dataset;

import io.streamaligner.eval.EvalItem;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which questions a run asks: those of the file not done by an earlier run (written or rejected), each question once.
 * A question is known by its text, as the dataset's lines name it.
 *
 * @param todo       the questions to ask, in file order
 * @param doneBefore how many are skipped because an earlier run wrote or rejected them
 * @param repeated   later lines repeating an earlier line's question, skipped
 */
public record DatasetPlan(List<EvalItem> todo, int doneBefore, List<EvalItem> repeated) {

    public DatasetPlan {
        todo = List.copyOf(Objects.requireNonNull(todo, "todo"));
        repeated = List.copyOf(Objects.requireNonNull(repeated, "repeated"));
    }

    /** @param done the questions earlier runs wrote or rejected */
    public static DatasetPlan of(List<EvalItem> items, Set<String> done) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(done, "done");
        List<EvalItem> todo = new ArrayList<>();
        List<EvalItem> repeated = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int doneBefore = 0;
        for (EvalItem item : items) {
            if (!seen.add(item.question())) {
                repeated.add(item);
            } else if (done.contains(item.question())) {
                doneBefore++;
            } else {
                todo.add(item);
            }
        }
        return new DatasetPlan(todo, doneBefore, repeated);
    }
}
