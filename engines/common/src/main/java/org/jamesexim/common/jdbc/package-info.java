/**
 * The pack's JDBC plumbing, shared by SRS database mode and the JDBC lookups: {@link org.jamesexim.common.jdbc.JdbcPool}
 * (HikariCP, relocated in the drop-in JAR), {@link org.jamesexim.common.jdbc.JdbcCalls} (each call within its deadline on
 * a bounded set of threads, whatever the driver does), {@link org.jamesexim.common.jdbc.JdbcUrlDataSource} and
 * {@link org.jamesexim.common.jdbc.JdbcUrlSecrets} (no password in any message). No James types.
 */
package org.jamesexim.common.jdbc;
