/**
 * Where the pack reaches into James 3.8.1's internals: {@link org.jamesexim.mailets.james.JamesInternals} holds every
 * private field the glue reads or writes by reflection, so that a James upgrade that moves one breaks in this one
 * place (and in its one test) instead of at start-up of a feature.
 */
package org.jamesexim.mailets.james;
