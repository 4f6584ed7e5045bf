package org.jamesexim.bmi;

/**
 * The engine SPI: scan one message for all its recipients and return the verdicts, each listing the recipients it
 * applies to. Implementations must be thread-safe, bound every outside call by a timeout, and throw
 * {@link BmiEngineException} instead of returning a partial or guessed result when the scan did not complete.
 */
public interface BmiEngine {

    /**
     * @return the verdicts; a recipient the engine gave no verdict for is simply absent (it then gets the
     *         no-verdict defaults)
     * @throws BmiEngineException when the engine is down, slow, answered garbage or asked to try again later
     */
    BmiVerdicts scan(BmiMessage message) throws BmiEngineException;
}
