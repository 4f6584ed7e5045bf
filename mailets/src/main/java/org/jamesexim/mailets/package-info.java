/**
 * The mailets operators name in {@code mailetcontainer.xml} (flat, as James's own), the attribute names every piece of
 * glue shares ({@code *Attributes}) and the settings each feature reads once; helpers live in sub-packages
 * ({@code config}, {@code metrics}, {@code dsn}, {@code james}). Glue only: configuration in, engine call, attributes and
 * headers out.
 */
package org.jamesexim.mailets;
