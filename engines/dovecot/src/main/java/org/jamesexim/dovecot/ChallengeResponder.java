package org.jamesexim.dovecot;

/**
 * Answers Dovecot's SASL challenges ({@code CONT} lines) for a request. Called on the connection's reader
 * thread, so it must answer at once (no I/O, no waiting for a person). Stateless: the round number says which
 * challenge this is, so one responder can serve many requests at once.
 */
@FunctionalInterface
public interface ChallengeResponder {
    /** Answers no challenge: any {@code CONT} cancels the request. */
    ChallengeResponder NONE = (round, challenge) -> null;

    /**
     * @param round     0 for the first challenge of the exchange, 1 for the second, ...
     * @param challenge the decoded challenge (may be empty)
     * @return the answer (not base64), or {@code null} to cancel the exchange
     */
    byte[] respond(int round, byte[] challenge);

    /** Answers the n-th challenge with the n-th value; cancels after the last. */
    static ChallengeResponder sequence(byte[]... answers) {
        byte[][] copy = new byte[answers.length][];
        for (int i = 0; i < answers.length; i++) {
            copy[i] = answers[i].clone();
        }
        return (round, challenge) -> round >= 0 && round < copy.length ? copy[round].clone() : null;
    }
}
