/**
 * The pack the James way for operators: its WebAdmin routes, health checks and tasks, registered through James's
 * extension points (webadmin.properties, healthcheck.properties, guice extension modules); each feature's settings are
 * read once from the configuration James was started with ({@link org.jamesexim.operations.PackConfiguration}).
 */
package org.jamesexim.operations;
