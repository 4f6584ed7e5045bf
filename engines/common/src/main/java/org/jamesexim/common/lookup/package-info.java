/**
 * The one lookup of the pack, Exim's {@code ${lookup{...}}} for James: a file table in Exim's lsearch format with
 * nwildlsearch's {@code *} keys ({@link org.jamesexim.common.lookup.FileTable}, {@link org.jamesexim.common.lookup.FileLookup},
 * read again when it changes) or a JDBC query with a bound {@code $key} ({@link org.jamesexim.common.lookup.JdbcLookup}),
 * declared by {@link org.jamesexim.common.lookup.LookupParams} ({@code <word>Lookup...}, docs/configuration.md "Lookups").
 * A lookup finds, does not find, or fails for now ({@link org.jamesexim.common.lookup.LookupResult}); no James types.
 */
package org.jamesexim.common.lookup;
