package org.meltharness.results;

/**
 * How closely one document's next-token distributions follow a reference run's, over every
 * scored continuation token of every choice.
 *
 * @param kl for each scored token, KL(reference || this run) over the reference's top-k tokens
 *     plus one bucket for the rest of the vocabulary (a lower bound of the full KL; exact when k
 *     covers the vocabulary)
 * @param top1Agree tokens where this run's most likely token is the reference's
 * @param positions tokens compared
 */
public record Fidelity(double[] kl, int top1Agree, int positions) {}
