package org.meltharness.eval;

import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;

/**
 * One of N deterministic parts of a piece of work ({@code --shard I/N}, I from 1): item k belongs
 * to shard {@code k mod N + 1}, so N processes with no coordinator split it exactly.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw HarnessException.usage("a shard is I/N with 1 <= I <= N, not " + index + "/" + count);
        }
    }

    /** {@code I/N}. */
    public static Shard parse(String text) {
        String[] parts = text.strip().split("/");
        try {
            if (parts.length == 2) return new Shard(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
        } catch (NumberFormatException e) {
            // reported below
        }
        throw HarnessException.usage("a shard is written I/N (e.g. 2/4), not '" + text + "'");
    }

    /**
     * The shard a batch scheduler assigned: Slurm job arrays ({@code SLURM_ARRAY_TASK_ID} from
     * {@code SLURM_ARRAY_TASK_MIN}, {@code SLURM_ARRAY_TASK_COUNT}) or Kubernetes Indexed Jobs
     * ({@code JOB_COMPLETION_INDEX} from 0, with {@code count} given); ALL when neither is set.
     *
     * @param count the number of shards when the environment does not say it, or 0
     */
    public static Shard fromEnvironment(Map<String, String> env, int count) {
        if (env.containsKey("SLURM_ARRAY_TASK_ID")) {
            int id = number(env, "SLURM_ARRAY_TASK_ID", 0);
            int min = number(env, "SLURM_ARRAY_TASK_MIN", 0);
            int n = number(env, "SLURM_ARRAY_TASK_COUNT", count);
            if (n < 1) throw HarnessException.usage("SLURM_ARRAY_TASK_ID is set but the number of shards is not; pass --shards N");
            return new Shard(id - min + 1, n);
        }
        if (env.containsKey("JOB_COMPLETION_INDEX")) {
            if (count < 1) throw HarnessException.usage("JOB_COMPLETION_INDEX is set; pass --shards N (the job's completions)");
            return new Shard(number(env, "JOB_COMPLETION_INDEX", 0) + 1, count);
        }
        return ALL;
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw HarnessException.usage("the scheduler's " + name + " is '" + v + "', not a whole number");
        }
    }

    public boolean owns(int item) {
        return Math.floorMod(item, count) == index - 1;
    }

    public <T> List<T> of(List<T> items) {
        java.util.ArrayList<T> out = new java.util.ArrayList<>();
        for (int i = 0; i < items.size(); i++) if (owns(i)) out.add(items.get(i));
        return out;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
